"""What the terminal can draw, and the styles every graphic takes from it.

Imported by the app at start-up, so it imports no numpy (see colours.py).

One `Display` per session, decided from `--ascii`, `NO_COLOR`, `TERM` and
`COLORTERM`. Renderers never name a colour themselves: they ask the display
for a role (`series(i)`, `cls(k)`, `ramp(t)` ...). Under `colour="none"` every
role answers with a colourless style, so the information must already be in
the glyphs: renderers switch to shade characters, dash patterns and point
shapes there, and their tests check it on `.plain`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from rich.color import Color, ColorSystem
from rich.style import Style

Glyphs = Literal["braille", "blocks", "ascii"]
Colour = Literal["truecolor", "256", "none"]
RGB = tuple[int, int, int]

# Consoles whose fonts have half blocks but no braille patterns.
_NO_BRAILLE_TERMS = ("linux", "vt220", "vt100", "cons25", "screen.linux")

# Series / classes: an Okabe-Ito-like set, told apart by people with
# colour-blindness and readable on dark and light backgrounds.
_SERIES: tuple[RGB, ...] = (
    (86, 180, 233), (230, 159, 0), (0, 158, 115), (204, 121, 167),
    (240, 228, 66), (213, 94, 0), (0, 114, 178),
)
_CLASSES: tuple[RGB, ...] = ((60, 130, 220), (230, 120, 40), (40, 170, 110), (190, 80, 170))
# Sequential ramp (viridis stops) and a diverging one (blue, grey, red).
SEQUENTIAL: tuple[RGB, ...] = (
    (68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37),
)
DIVERGING: tuple[RGB, ...] = ((33, 102, 172), (120, 160, 200), (70, 70, 70),
                               (214, 140, 110), (178, 24, 43))
NEUTRAL_BG: RGB = (24, 24, 28)

# Shade ramps for `colour="none"`: darkest (low) to densest (high).
ASCII_RAMP = " .:-=+*#%@"
SHADE_RAMP = " ░▒▓█"


@dataclass(frozen=True)
class Display:
    """How graphics are drawn: `glyphs` x `colour`.

    glyphs: "braille" (2x4 dots per cell, implies half blocks), "blocks"
    (half blocks, no braille: the Linux console), "ascii" (7-bit only).
    colour: "truecolor", "256" (colours rounded to the xterm palette) or "none".
    """

    glyphs: Glyphs = "braille"
    colour: Colour = "truecolor"

    @classmethod
    def detect(cls, ascii: bool = False, env: Mapping[str, str] | None = None) -> Display:
        """The display for this terminal: `--ascii` forces ASCII glyphs; a
        non-empty `NO_COLOR` (no-color.org) or `TERM=dumb` turns colour off;
        `COLORTERM=truecolor|24bit` gives 24-bit colour, anything else 256."""
        env = os.environ if env is None else env
        term = env.get("TERM", "").lower()
        if ascii or term == "dumb":
            glyphs: Glyphs = "ascii"
        elif term.startswith(_NO_BRAILLE_TERMS):
            glyphs = "blocks"
        else:
            glyphs = "braille"
        if env.get("NO_COLOR") or term == "dumb":
            colour: Colour = "none"
        elif env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
            colour = "truecolor"
        else:
            colour = "256"
        return cls(glyphs, colour)

    # -- what the glyph set allows -------------------------------------------------
    @property
    def ascii(self) -> bool:
        return self.glyphs == "ascii"

    @property
    def braille(self) -> bool:
        return self.glyphs == "braille"

    @property
    def coloured(self) -> bool:
        return self.colour != "none"

    @property
    def half_blocks(self) -> bool:
        """Two pixels per cell (▀ with fore- and background) need colour."""
        return self.coloured and not self.ascii

    def glyph(self, unicode: str, ascii: str) -> str:
        """`unicode` unless the display is ASCII-only."""
        return ascii if self.ascii else unicode

    @property
    def shade_ramp(self) -> str:
        """Characters from empty to full, for values without colour."""
        return ASCII_RAMP if self.ascii else SHADE_RAMP

    # -- styles ---------------------------------------------------------------------
    def rgb(self, rgb: RGB | Sequence[int], *, bg: RGB | Sequence[int] | None = None,
            bold: bool = False) -> Style:
        """Foreground (and background) colour in this display's colour system;
        no colour at all under "none"."""
        if not self.coloured:
            return _BOLD if bold else _PLAIN
        return _style(tuple(rgb), None if bg is None else tuple(bg), bold, self.colour)

    def series(self, i: int) -> Style:
        """Style of the i-th series of a chart."""
        return self.rgb(_SERIES[i % len(_SERIES)])

    def cls(self, k: int, *, bold: bool = False) -> Style:
        """Style of class k's points."""
        return self.rgb(_CLASSES[k % len(_CLASSES)], bold=bold)

    def weight(self, w: float) -> Style:
        """A signed strength in [-1, 1]: grey at 0, blue when positive, red
        when negative, brighter with magnitude."""
        target = (90, 170, 255) if w >= 0 else (255, 100, 70)
        t = min(abs(w), 1.0)
        return self.rgb(tuple(round(70 * (1 - t) + c * t) for c in target))

    @property
    def axis(self) -> Style:
        return _DIM

    @property
    def label(self) -> Style:
        return _PLAIN

    @property
    def note(self) -> Style:
        """Warnings drawn on a chart ("diverged")."""
        return self.rgb((240, 80, 60), bold=True)

    @property
    def marker(self) -> Style:
        return self.rgb((200, 200, 200)) if self.coloured else _DIM

    @property
    def highlight(self) -> Style:
        return self.rgb((255, 215, 0), bold=True) if self.coloured else _BOLD


_PLAIN, _DIM, _BOLD = Style(), Style(dim=True), Style(bold=True)


@cache
def _style(fg: RGB, bg: RGB | None, bold: bool, system: Colour) -> Style:
    def colour(rgb: RGB) -> Color:
        c = Color.from_rgb(*rgb)
        return c.downgrade(ColorSystem.EIGHT_BIT) if system == "256" else c
    return Style(color=colour(fg), bgcolor=None if bg is None else colour(bg),
                 bold=bold or None)


def class_rgb(k: int) -> RGB:
    return _CLASSES[k % len(_CLASSES)]

"""Plain-ASCII fallback for terminals that cannot draw Unicode.

Two translations, because diagrams and prose need different things:
- `to_ascii_glyphs` keeps every character one column wide, so box drawings,
  aligned tables and anything Rich has already laid out stay aligned;
- `to_ascii` spells symbols out where that keeps the maths readable
  (x² -> x^2, ŷ -> y_hat, η -> eta, a -> b -> "a -> b"), for prose that is
  laid out after translation.
`markdown_to_ascii` uses the first inside fenced blocks and the second
outside them; `AsciiOnly` applies the first to whatever a renderable draws.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

_GLYPHS = {
    "→": ">", "←": "<", "↑": "^", "↓": "v", "↔": "-", "⇒": ">", "⇐": "<",
    "▶": ">", "◀": "<", "▲": "^", "▼": "v", "►": ">", "◄": "<",
    "•": "*", "∙": "*", "●": "@", "○": "o", "◆": "*", "◇": "*", "★": "*",
    "█": "#", "▓": "#", "▒": "%", "░": ".", "▀": '"', "▄": "_", "▌": "|", "▐": "|",
    "▁": "_", "▂": "_", "▃": "_", "▅": "=", "▆": "=", "▇": "#",
    "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "×": "x", "÷": "/",
    "✓": "+", "✔": "+", "✗": "x", "✘": "x", "≈": "~", "∼": "~", "−": "-", "…": ".",
    "√": "V", "σ": "s", "Σ": "E", "∂": "d", "∇": "V", "η": "n", "α": "a", "β": "b",
    "θ": "0", "λ": "L", "μ": "u", "ε": "e", "≤": "<", "≥": ">", "≠": "#", "∞": "8",
    "∈": "E", "\u00a0": " ",
}

# Readable spellings for prose (lengths may change).
_WORDS = {
    "→": "->", "←": "<-", "⇒": "=>", "⇐": "<=", "↔": "<->", "…": "...", "—": "--",
    "≈": "~", "≤": "<=", "≥": ">=", "≠": "!=", "×": "x", "÷": "/", "√": "sqrt",
    "σ": "sigma", "Σ": "sum", "∂": "d", "∇": "grad", "η": "eta", "α": "alpha",
    "β": "beta", "θ": "theta", "λ": "lambda", "μ": "mu", "ε": "eps", "∞": "inf",
    "∈": "in", "·": "*",
}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+")
_HAT = "\u0302"  # combining circumflex, as in ŷ
_HORIZONTAL = set("─━═-")
_ROOT = re.compile(r"√(\w+)")


def _box_char(ch: str) -> str | None:
    """Box-drawing characters by the directions their strokes go."""
    name = unicodedata.name(ch, "")
    if not name.startswith("BOX DRAWINGS"):
        return None
    horizontal = "HORIZONTAL" in name or "LEFT" in name or "RIGHT" in name
    vertical = "VERTICAL" in name or "UP" in name or "DOWN" in name
    if "DIAGONAL" in name:
        return "\\" if "UPPER LEFT TO LOWER RIGHT" in name else "/"
    if "ARC" in name or (horizontal and vertical):
        return "+"
    if "DOUBLE HORIZONTAL" in name and not vertical:
        return "="
    return "-" if horizontal else "|"


@cache
def _glyph(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch in _GLYPHS:
        return _GLYPHS[ch]
    box = _box_char(ch)
    if box is not None:
        return box
    if 0x2800 <= ord(ch) <= 0x28FF:  # braille dots
        return "." if ord(ch) != 0x2800 else " "
    plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
    return plain[:1] or "?"


def to_ascii_glyphs(text: str) -> str:
    """`text` with every character replaced by a one-column ASCII stand-in."""
    if text.isascii():
        return text
    out = []
    for i, ch in enumerate(text):
        if ch == "·":  # a multiplication dot, or part of an ellipsis "···"
            near = text[i - 1 : i] + text[i + 1 : i + 2]
            out.append("." if "·" in near else "*")
        else:
            out.append(_glyph(ch))
    return "".join(out)


def to_ascii(text: str) -> str:
    """`text` in readable ASCII; symbols may become several characters."""
    if text.isascii():
        return text
    text = text.replace(" · ", " - ").replace("···", "...")
    text = _ROOT.sub(r"sqrt(\1)", text)
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPTS), text)
    text = unicodedata.normalize("NFD", text).replace(_HAT, "_hat")
    text = unicodedata.normalize("NFC", text)
    out = []
    for i, ch in enumerate(text):
        if ch in "→←" and (text[i - 1 : i] in _HORIZONTAL or text[i + 1 : i + 2] in _HORIZONTAL):
            out.append(_GLYPHS[ch])  # the head of a drawn line keeps its width
        else:
            out.append(_WORDS.get(ch) or _glyph(ch))
    return "".join(out)


_FENCE = re.compile(r"^\s*(```|~~~)")


def _drawing(line: str) -> bool:
    """Does the line draw (box lines, blocks, braille), so its columns matter?"""
    return any(0x2500 <= ord(ch) <= 0x25FF or 0x2800 <= ord(ch) <= 0x28FF for ch in line)


def markdown_to_ascii(markdown: str) -> str:
    """Prose and formulas spelled out readably; drawings in fenced blocks kept
    aligned character for character."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            out.append(line)
        elif fenced and _drawing(line):
            out.append(to_ascii_glyphs(line))
        else:
            out.append(to_ascii(line))
    return "\n".join(out)


class AsciiOnly:
    """Render `renderable`, then translate every character drawn to ASCII."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for segment in console.render(self.renderable, options):
            if segment.control or segment.text.isascii():
                yield segment
            else:
                yield Segment(to_ascii_glyphs(segment.text), segment.style)

"""A grid of cells (character + style) that renders to exact-width Text lines.

Every renderer draws into one `CellGrid` and returns `grid.lines()`, so each
graphic is exactly `width` x `height` cells whatever its data. Styles are
interned: a cell stores a small id, and consecutive cells with the same id
become one span (a heatmap row of 40 cells in 6 colours is 6 spans, not 40).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.style import Style
from rich.text import Span, Text

from tutor.viz.display import Display

Lines = list[Text]


class CellGrid:
    """`height` rows of `width` one-column characters, each with a style id."""

    def __init__(self, width: int, height: int, fill: str = " ") -> None:
        self.width, self.height = max(0, int(width)), max(0, int(height))
        self.chars = np.full((self.height, self.width), fill, dtype="<U1")
        self.ids = np.zeros((self.height, self.width), dtype=np.int32)
        self._styles: list[Style] = [Style()]
        self._index: dict[Style, int] = {Style(): 0}

    def style_id(self, style: Style) -> int:
        """A small integer for `style`, the same for equal styles."""
        found = self._index.get(style)
        if found is None:
            found = self._index[style] = len(self._styles)
            self._styles.append(style)
        return found

    def style_of(self, style_id: int) -> Style:
        return self._styles[style_id]

    def text(self, y: int, x: int, text: str, style: Style | None = None) -> int:
        """Write `text` (one column per character) at row y from column x,
        clipped to the grid; returns the column after it."""
        if not 0 <= y < self.height or not text:
            return x + len(text)
        start, end = max(x, 0), min(x + len(text), self.width)
        if start < end:
            self.chars[y, start:end] = list(text[start - x : end - x])
            if style is not None:
                self.ids[y, start:end] = self.style_id(style)
        return x + len(text)

    def paint(self, rows: np.ndarray, cols: np.ndarray, chars: np.ndarray | str,
              styles: Sequence[Style], which: np.ndarray | int) -> None:
        """Vectorised: cell (rows[i], cols[i]) gets chars[i] and styles[which[i]]."""
        ids = np.array([self.style_id(s) for s in styles], dtype=np.int32)
        self.chars[rows, cols] = chars
        self.ids[rows, cols] = ids[which]

    def paint_rgb(self, rows: np.ndarray, cols: np.ndarray, chars: np.ndarray | str,
                  display: Display, fg: np.ndarray, bg: np.ndarray | None = None) -> None:
        """Vectorised cells with per-cell colours: fg/bg are (n, 3) uint8."""
        fg = np.asarray(fg, dtype=np.int64).reshape(-1, 3)
        key = (fg[:, 0] << 16) | (fg[:, 1] << 8) | fg[:, 2]
        if bg is not None:
            bg = np.asarray(bg, dtype=np.int64).reshape(-1, 3)
            key = (key << 24) | (bg[:, 0] << 16) | (bg[:, 1] << 8) | bg[:, 2]
        _, first, which = np.unique(key, return_index=True, return_inverse=True)
        styles = [display.rgb(fg[i], bg=None if bg is None else bg[i]) for i in first]
        self.paint(rows, cols, chars, styles, which.reshape(-1))

    def lines(self) -> Lines:
        """The grid as `height` Text lines of `width` cells each."""
        out: Lines = []
        if self.width == 0:  # rows without cells: nothing to style
            return [Text("", no_wrap=True, overflow="crop", end="") for _ in range(self.height)]
        styles = self._styles
        for chars, ids in zip(self.chars, self.ids, strict=True):
            line = Text("".join(chars.tolist()), no_wrap=True, overflow="crop", end="")
            cuts = np.flatnonzero(ids[1:] != ids[:-1]) + 1
            starts = [0, *cuts.tolist()]
            ends = [*cuts.tolist(), self.width]
            line.spans = [Span(s, e, styles[ids[s]]) for s, e in zip(starts, ends, strict=True)
                          if ids[s]]
            out.append(line)
        return out


def fit(text: str, width: int, align: str = "left") -> str:
    """`text` cut or padded to exactly `width` columns (one column per char)."""
    if width <= 0:
        return ""
    text = text[:width]
    pad = width - len(text)
    if align == "right":
        return " " * pad + text
    if align == "center":
        return " " * (pad // 2) + text + " " * (pad - pad // 2)
    return text + " " * pad

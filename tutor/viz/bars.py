"""Horizontal bars with their values: scores, probabilities (softmax), shares.

`label │████████▍      0.612` per value; negative values grow left of a
zero line. Bars use eighth blocks (ASCII: `#`), so they read the same with
and without colour; the highlighted bar is marked ▶ (ASCII >).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tutor.viz.display import Display
from tutor.viz.grid import CellGrid, Lines, fit
from tutor.viz.ticks import compact

_EIGHTHS = " ▏▎▍▌▋▊▉█"


def bars(values: Sequence[float] | np.ndarray, labels: Sequence[str], width: int,
         display: Display, *, vmax: float | None = None, highlight: int | None = None,
         show_sum: bool = False, digits: int = 3) -> Lines:
    """One line per value (plus "sum = …" when `show_sum`), each `width` cells.

    vmax: the value a full bar stands for (default: the largest magnitude), so
    that e.g. probabilities can be drawn on a fixed 0..1 scale. NaN/inf values
    draw no bar and print as nan/inf.
    """
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    grid = CellGrid(width, v.size + (1 if show_sum else 0))
    if grid.width == 0 or v.size == 0:
        return grid.lines()
    finite = np.where(np.isfinite(v), v, 0.0)
    label_w = min(max((len(s) for s in labels), default=0), max(width // 3, 1))
    marker_w = 2 if highlight is not None else 0
    texts = [_number(x, digits) for x in v]
    value_w = max(len(t) for t in texts)
    left = marker_w + label_w + (1 if label_w else 0)
    bar_w = max(1, width - left - value_w - 2)
    scale = float(vmax) if vmax else float(np.abs(finite).max()) or 1.0
    has_negative = bool((finite < 0).any())
    lo = -scale if has_negative else 0.0
    zero = round((0 - lo) / (scale - lo) * bar_w)
    per_cell = (scale - lo) / bar_w

    for i in range(v.size):
        style = display.highlight if i == highlight else display.label
        if i == highlight:
            grid.text(i, 0, display.glyph("▶", ">"), display.highlight)
        if label_w:
            grid.text(i, marker_w, fit(labels[i] if i < len(labels) else "", label_w, "right"),
                      style)
        bar_style = display.highlight if i == highlight else display.series(0)
        length = abs(float(finite[i])) / per_cell
        if finite[i] >= 0:
            start = zero + has_negative  # the zero line keeps its own column
            grid.text(i, left + start, _bar(length, bar_w - start, display), bar_style)
        else:
            cells = min(round(length), zero)
            grid.text(i, left + zero - cells, display.glyph("█", "#") * cells, bar_style)
        if has_negative:
            grid.text(i, left + zero - (zero == bar_w), display.glyph("│", "|"), display.axis)
        grid.text(i, width - value_w, fit(texts[i], value_w, "right"), style)
    if show_sum:
        total = f"sum = {_number(float(finite.sum()), digits)}"
        grid.text(v.size, max(0, width - len(total)), total, display.label)
    return grid.lines()


def _bar(length: float, room: int, display: Display) -> str:
    """`length` cells of bar (fractions in eighths), at most `room` cells."""
    length = min(max(length, 0.0), float(room))
    full = int(length)
    if display.ascii:
        return "#" * round(length)
    eighth = int((length - full) * 8)
    return "█" * full + (_EIGHTHS[eighth] if eighth and full < room else "")


def _number(x: float, digits: int) -> str:
    if not np.isfinite(x):
        return compact(x)
    text = f"{x:.{digits}f}"
    return text if len(text) <= digits + 4 else compact(x)

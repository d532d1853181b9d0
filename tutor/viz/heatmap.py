"""Heatmap: a matrix as coloured cells with row/column labels and a scale.

With colour and no row labels, two matrix rows share one text line (upper
half block ▀: foreground = upper row, background = lower row), which keeps
cells about square. With row labels each row gets its own line, so its label
sits beside it. Without colour each value becomes a shade character
(` .:-=+*#%@` in ASCII, ` ░▒▓█` otherwise), one row per line.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tutor.viz.colours import ramp_rgb
from tutor.viz.display import NEUTRAL_BG, Display
from tutor.viz.grid import CellGrid, Lines, fit
from tutor.viz.ticks import compact

SCALE_WIDTH = 10


def heatmap(values: np.ndarray, display: Display, *, row_labels: Sequence[str] = (),
            col_labels: Sequence[str] = (), highlight_row: int | None = None,
            vmin: float | None = None, vmax: float | None = None, cell_width: int = 2,
            diverging: bool | None = None, scale: bool = True,
            levels: int | None = None) -> Lines:
    """Lines of equal width drawing `values` (R, C).

    Width: row-label column (longest label + marker + space) + C * cell_width,
    at least the scale's width. Height: 1 if col_labels, + the matrix lines
    (R, or ceil(R / 2) in half-block form), + 1 for the scale.
    vmin/vmax default to the finite data's range; `diverging` (default: the
    range spans 0) uses a blue-grey-red ramp centred on 0. NaN draws as the
    middle of the ramp. `highlight_row` is marked ▶ (ASCII >) and, in colour,
    drawn in bold with its label. `levels` (odd, for a diverging ramp) rounds
    the colours to that many steps: a map redrawn many times a second then
    repaints only cells that changed a step, and neighbouring cells of a step
    share their style, which a terminal receives once per run of cells.
    """
    v = np.atleast_2d(np.asarray(values, dtype=np.float64))
    n_rows, n_cols = v.shape
    cell_width = max(1, cell_width)
    finite = v[np.isfinite(v)]
    lo = float(vmin) if vmin is not None else (float(finite.min()) if finite.size else 0.0)
    hi = float(vmax) if vmax is not None else (float(finite.max()) if finite.size else 1.0)
    if diverging is None:
        diverging = lo < 0 < hi
    if diverging:
        bound = max(abs(lo), abs(hi)) or 1.0
        lo, hi = -bound, bound
    if not hi > lo:
        lo, hi = lo - 0.5, lo + 0.5
    t = (v - lo) / (hi - lo)
    if levels is not None and levels >= 2:
        t = np.round(t * (levels - 1)) / (levels - 1)

    half = display.half_blocks and not row_labels
    marker_w = 2 if highlight_row is not None else 0
    label_w = max((len(s) for s in row_labels), default=0)
    left = marker_w + (label_w + 1 if label_w else 0)
    scale_line = _scale_text(lo, hi, display) if scale else ""
    width = max(left + n_cols * cell_width, len(scale_line) if scale else 0, 1)
    body = (n_rows + 1) // 2 if half else n_rows
    top = 1 if col_labels else 0
    grid = CellGrid(width, top + body + (1 if scale else 0))

    for j, label in enumerate(col_labels[:n_cols]):
        grid.text(0, left + j * cell_width, fit(label, cell_width - (cell_width > 1)),
                  display.label)
    if half:
        upper = ramp_rgb(t[0::2], diverging)
        lower = ramp_rgb(t[1::2], diverging)
        if lower.shape[0] < upper.shape[0]:  # odd count: the last line's lower half is empty
            pad = np.broadcast_to(np.asarray(NEUTRAL_BG, np.uint8), (1, n_cols, 3))
            lower = np.concatenate([lower, pad])
        _blocks(grid, top, left, upper, lower, cell_width, display)
    elif display.coloured:
        colours = ramp_rgb(t, diverging)
        _blocks(grid, top, left, colours, colours, cell_width, display)
    else:
        ramp = display.shade_ramp
        idx = np.clip(np.nan_to_num(t, nan=0.5) * (len(ramp) - 1) + 0.5, 0,
                      len(ramp) - 1).astype(np.int64)
        chars = np.array(list(ramp))[idx]
        rows, cols = np.indices(chars.shape)
        for k in range(cell_width):
            grid.chars[top + rows, left + cols * cell_width + k] = chars

    for i, label in enumerate(row_labels[:n_rows]):
        style = display.highlight if i == highlight_row else display.label
        grid.text(top + i, marker_w, fit(label, label_w, "right"), style)
    if highlight_row is not None and 0 <= highlight_row < n_rows:
        line = top + (highlight_row // 2 if half else highlight_row)
        grid.text(line, 0, display.glyph("▶", ">"), display.highlight)
    if scale:
        grid.text(grid.height - 1, 0, scale_line, display.label)
        if display.coloured:
            start = len(compact(lo)) + 1
            colours = ramp_rgb(np.linspace(0, 1, SCALE_WIDTH), diverging)
            grid.paint_rgb(np.full(SCALE_WIDTH, grid.height - 1),
                           np.arange(start, start + SCALE_WIDTH),
                           display.glyph("█", "#"), display, colours)
    return grid.lines()


def _blocks(grid: CellGrid, top: int, left: int, upper: np.ndarray, lower: np.ndarray,
            cell_width: int, display: Display) -> None:
    """Cells of ▀ coloured `upper` over `lower` ((lines, C, 3) each)."""
    lines, n_cols = upper.shape[:2]
    rows, cols = np.indices((lines, n_cols))
    for k in range(cell_width):
        grid.paint_rgb((top + rows).ravel(), (left + cols * cell_width + k).ravel(),
                       display.glyph("▀", "#"), display, upper.reshape(-1, 3),
                       lower.reshape(-1, 3))


def _scale_text(lo: float, hi: float, display: Display) -> str:
    """"lo <ramp> hi": the ramp is coloured later, or shade characters without colour."""
    if display.coloured:
        ramp = " " * SCALE_WIDTH
    else:
        chars = display.shade_ramp
        ramp = "".join(chars[round(i * (len(chars) - 1) / (SCALE_WIDTH - 1))]
                       for i in range(SCALE_WIDTH))
    return f"{compact(lo)} {ramp} {compact(hi)}"


"""A small network as layer columns of nodes joined by weighted edges.

Edge colour follows the weight: blue positive, red negative, brighter and
drawn on top the larger it is. Without colour, positive edges are solid and
negative ones dashed (ASCII: `+` and `-`), and edges under a quarter of the
largest magnitude are left out so that the strong ones stay readable.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tutor.viz.canvas import LineCanvas
from tutor.viz.display import Display
from tutor.viz.grid import CellGrid, Lines

WEAK = 0.25  # without colour, edges weaker than this share of the largest are not drawn


def network_diagram(sizes: Sequence[int], weights: Sequence[np.ndarray | None], width: int,
                    height: int, display: Display, *, layer_names: Sequence[str] = ()) -> Lines:
    """`height` lines of `width` cells: one column of nodes per entry of
    `sizes` (e.g. (2, 3, 1)), edges between neighbouring columns styled by
    `weights[l]` of shape (sizes[l], sizes[l+1]) (the transpose is accepted;
    None draws neutral edges). The last line names the layers (their sizes
    unless `layer_names` is given) when height >= 4."""
    grid = CellGrid(width, height)
    sizes = [max(0, int(n)) for n in sizes]
    if grid.width == 0 or grid.height == 0 or not sizes:
        return grid.lines()
    names = list(layer_names) or [str(n) for n in sizes]
    body = height - 1 if height >= 4 else height
    cols = _spread(len(sizes), width)
    rows = [_spread(n, body) for n in sizes]

    canvas = LineCanvas(width, body, display)
    scale = max((float(np.nanmax(np.abs(w))) for w in weights
                 if w is not None and np.size(w) and np.isfinite(w).any()), default=1.0) or 1.0
    for layer in range(len(sizes) - 1):
        w = _oriented(weights[layer] if layer < len(weights) else None,
                      sizes[layer], sizes[layer + 1])
        for i, r0 in enumerate(rows[layer]):
            for j, r1 in enumerate(rows[layer + 1]):
                strength = 0.0 if w is None else float(np.nan_to_num(w[i, j])) / scale
                _edge(canvas, (cols[layer], r0), (cols[layer + 1], r1), strength, display,
                      neutral=w is None)
    canvas.render_into(grid, 0, 0)

    node = display.glyph("●", "O")
    for layer, col in enumerate(cols):
        for r in rows[layer]:
            grid.text(r, col, node, display.highlight)
    if body < height:
        for layer, col in enumerate(cols):
            name = names[layer] if layer < len(names) else ""
            start = min(max(col - len(name) // 2, 0), max(width - len(name), 0))
            grid.text(height - 1, start, name, display.label)
    return grid.lines()


def _spread(n: int, length: int) -> list[int]:
    """n positions spread evenly over 0..length-1 (centred)."""
    if n <= 0 or length <= 0:
        return []
    return [min(length - 1, int((i + 0.5) * length / n)) for i in range(n)]


def _oriented(w: np.ndarray | None, n_in: int, n_out: int) -> np.ndarray | None:
    if w is None:
        return None
    w = np.asarray(w, dtype=np.float64)
    if w.shape == (n_in, n_out):
        return w
    if w.shape == (n_out, n_in):
        return w.T
    raise ValueError(f"weights of shape {w.shape} do not join layers of {n_in} and {n_out}")


def _edge(canvas: LineCanvas, start: tuple[int, int], end: tuple[int, int], strength: float,
          display: Display, neutral: bool) -> None:
    """A line from the node cell `start` (col, row) to `end`, leaving the node cells free."""
    (c0, r0), (c1, r1) = start, end
    x0, x1 = (c0 + 1) * canvas.sx, c1 * canvas.sx - 1e-6
    y0, y1 = (r0 + 0.5) * canvas.sy, (r1 + 0.5) * canvas.sy
    if display.coloured or neutral:
        style = display.weight(0.3 if neutral else strength)
        canvas.polyline(np.array([x0, x1]), np.array([y0, y1]), style,
                        glyph=display.glyph("·", "."), priority=abs(strength))
        return
    if abs(strength) < WEAK:
        return
    positive = strength >= 0
    canvas.polyline(np.array([x0, x1]), np.array([y0, y1]), display.label,
                    glyph="+" if positive else "-",
                    dash=None if positive or not canvas.braille else (3, 3),
                    priority=abs(strength))

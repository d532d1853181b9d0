"""Lines and dots at sub-cell resolution: braille (2x4 dots a cell) or one
glyph a cell (ASCII and the Linux console), vectorised with numpy.

Coordinates are in dots, x to the right and y *down*, dot i covering [i, i+1).
Segments are clipped to the canvas before sampling, so a point at 1e30 costs
no more than one on screen. Each drawing call has a style and a priority; a
cell shows the union of its dots in the style of its highest-priority call.
"""

from __future__ import annotations

import numpy as np
from rich.style import Style

from tutor.viz.display import Display
from tutor.viz.grid import CellGrid

# Braille dot bits by (row in cell, column in cell); U+2800 + bits is the glyph.
_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.uint8)
BRAILLE_BASE = 0x2800
_BRAILLE = np.array([chr(BRAILLE_BASE + bits) for bits in range(256)])


def clip_segments(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray,
                  width: float, height: float) -> tuple[np.ndarray, ...]:
    """Liang-Barsky clipping of segments to [0, width) x [0, height), keeping
    only finite segments that cross the box; returns (x0, y0, x1, y1)."""
    hi_x, hi_y = width - 1e-9, height - 1e-9
    finite = np.isfinite(x0) & np.isfinite(y0) & np.isfinite(x1) & np.isfinite(y1)
    x0, y0, x1, y1 = (np.asarray(a, dtype=np.float64)[finite] for a in (x0, y0, x1, y1))
    if x0.size == 0 or (min(x0.min(), x1.min(), y0.min(), y1.min()) >= 0
                        and max(x0.max(), x1.max()) <= hi_x and max(y0.max(), y1.max()) <= hi_y):
        return x0, y0, x1, y1  # the usual case: everything on screen
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = np.zeros_like(x0), np.ones_like(x0)
    keep = np.ones(x0.shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, x0), (dx, hi_x - x0), (-dy, y0), (dy, hi_y - y0)):
            parallel = p == 0
            keep &= ~(parallel & (q < 0))
            t = q / p
            t0 = np.where(~parallel & (p < 0), np.maximum(t0, t), t0)
            t1 = np.where(~parallel & (p > 0), np.minimum(t1, t), t1)
    keep &= t0 <= t1
    x0, y0, dx, dy, t0, t1 = (a[keep] for a in (x0, y0, dx, dy, t0, t1))
    return x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy


def sample_segments(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray,
                    y1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points every dot or less along each segment, in drawing order."""
    if x0.size == 0:
        return np.empty(0), np.empty(0)
    n = np.ceil(np.maximum(np.abs(x1 - x0), np.abs(y1 - y0))).astype(np.int64) + 1
    seg = np.repeat(np.arange(n.size), n)
    start = np.cumsum(n) - n
    t = (np.arange(seg.size) - start[seg]) / np.maximum(n[seg] - 1, 1)
    return x0[seg] + t * (x1 - x0)[seg], y0[seg] + t * (y1 - y0)[seg]


class LineCanvas:
    """A `width` x `height` cell area to draw polylines and dots into."""

    def __init__(self, width: int, height: int, display: Display) -> None:
        self.width, self.height = max(0, width), max(0, height)
        self.braille = display.braille
        self.sx, self.sy = (2, 4) if self.braille else (1, 1)
        self.bits = np.zeros((self.height, self.width), dtype=np.uint8)
        self.glyph = np.full((self.height, self.width), " ", dtype="<U1")
        self.owner = np.full((self.height, self.width), -1, dtype=np.int32)
        self.prio = np.full((self.height, self.width), -np.inf)
        self.styles: list[Style] = []

    @property
    def dot_width(self) -> int:
        return self.width * self.sx

    @property
    def dot_height(self) -> int:
        return self.height * self.sy

    def dots(self, x: np.ndarray, y: np.ndarray, style: Style, glyph: str = "*",
             priority: float | None = None) -> None:
        """Set the dots at (x, y); non-finite and outside points are skipped."""
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            inside = (np.isfinite(x) & np.isfinite(y) & (x >= 0) & (y >= 0)
                      & (x < self.dot_width) & (y < self.dot_height))
        ix, iy = x[inside].astype(np.int64), y[inside].astype(np.int64)
        if ix.size == 0:
            return
        rows, cols = iy // self.sy, ix // self.sx
        if self.braille:
            np.bitwise_or.at(self.bits, (rows, cols), _BITS[iy % 4, ix % 2])
        else:
            self.glyph[rows, cols] = glyph
        prio = float(len(self.styles)) if priority is None else priority
        wins = prio >= self.prio[rows, cols]
        self.owner[rows[wins], cols[wins]] = len(self.styles)
        self.prio[rows[wins], cols[wins]] = prio
        self.styles.append(style)

    def polyline(self, x: np.ndarray, y: np.ndarray, style: Style, glyph: str = "*",
                 dash: tuple[int, int] | None = None, priority: float | None = None) -> None:
        """Connect consecutive points; a non-finite point breaks the line.
        `dash=(on, off)` draws `on` dots then skips `off`, along the line."""
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        if x.size == 1:
            self.dots(x, y, style, glyph, priority)
            return
        lone = _isolated(x, y)  # finite points with no finite neighbour: still shown
        sx, sy = sample_segments(*clip_segments(x[:-1], y[:-1], x[1:], y[1:],
                                                self.dot_width, self.dot_height))
        if dash is not None and sx.size:
            on, off = dash
            keep = (np.arange(sx.size) % (on + off)) < on
            sx, sy = sx[keep], sy[keep]
        self.dots(np.concatenate([sx, x[lone]]), np.concatenate([sy, y[lone]]),
                  style, glyph, priority)

    def render_into(self, grid: CellGrid, top: int, left: int) -> None:
        """Copy the drawn cells into `grid` at (top, left); empty cells are left alone."""
        rows, cols = np.nonzero(self.owner >= 0)
        if rows.size == 0:
            return
        if self.braille:
            chars = _BRAILLE[self.bits[rows, cols]]
        else:
            chars = self.glyph[rows, cols]
        grid_rows, grid_cols = rows + top, cols + left
        ok = (grid_rows < grid.height) & (grid_cols < grid.width)
        grid.paint(grid_rows[ok], grid_cols[ok], chars[ok], self.styles,
                   self.owner[rows, cols][ok])


def _isolated(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    finite = np.isfinite(x) & np.isfinite(y)
    left = np.concatenate([[False], finite[:-1]])
    right = np.concatenate([finite[1:], [False]])
    return finite & ~left & ~right

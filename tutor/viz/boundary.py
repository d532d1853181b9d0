"""Decision boundary: the plane shaded by the predicted class, points on top.

The model is evaluated on `grid_points(extent, cols, rows)` (row 0 at the top,
y = ymax) and its outputs are passed back as `probs_grid`: (rows, cols) with
P(class 1) for a binary model, or (rows, cols, K) class probabilities. Any
grid size works (it is resampled to the picture); `boundary_grid_shape` gives
the size that maps one value to one pixel.

With colour, each text cell holds two pixels (▀, upper = foreground) whose
colour is the class colour, paler where the model is unsure. Without colour
each cell gets the class's shade (░ ▓ ▒ / ASCII . # :) and the points keep
their shapes, so classes and splits stay readable in black and white.
"""

from __future__ import annotations

import numpy as np
from rich.style import Style

from tutor.viz.display import NEUTRAL_BG, Display, class_rgb
from tutor.viz.grid import CellGrid, Lines

Extent = tuple[float, float, float, float]  # xmin, xmax, ymin, ymax

_SHADES = "░▓▒ "
_ASCII_SHADES = ".#: "
# Training points filled, validation points hollow; the shape names the class.
_TRAIN = "●■▲◆"
_VAL = "○□△◇"
_ASCII_TRAIN = "ox+v"
_ASCII_VAL = "OX*V"


TINT_LEVELS = 4
"""Shades of each class's region, from unsure to sure."""


def boundary_grid_shape(width: int, height: int, display: Display) -> tuple[int, int]:
    """(rows, cols) of a probability grid with one value per drawn pixel."""
    return (2 * height if display.half_blocks else height), width


def grid_points(extent: Extent, cols: int, rows: int) -> np.ndarray:
    """(rows * cols, 2) pixel centres in reading order, top row (ymax) first."""
    xmin, xmax, ymin, ymax = extent
    xs = xmin + (np.arange(cols) + 0.5) / cols * (xmax - xmin)
    ys = ymax - (np.arange(rows) + 0.5) / rows * (ymax - ymin)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def decision_boundary(probs_grid: np.ndarray | None, extent: Extent, width: int, height: int,
                      display: Display, *, points: np.ndarray | None = None,
                      labels: np.ndarray | None = None, val_points: np.ndarray | None = None,
                      val_labels: np.ndarray | None = None, legend: bool = False) -> Lines:
    """`height` lines of `width` cells: class regions of `probs_grid` over the
    plane `extent`, then training points (filled: ● ■ / o x) and validation
    points (hollow: ○ □ / O X) on top, their shape naming their class.
    `legend` spends the last line on a key. `probs_grid=None` draws the
    points alone (before the first prediction)."""
    grid = CellGrid(width, height)
    body = max(0, height - 1) if legend and height > 1 else height
    if grid.width == 0 or body == 0:
        return grid.lines()
    if probs_grid is not None and np.size(probs_grid):
        classes, confidence = _classes(np.asarray(probs_grid, dtype=np.float64))
        if display.half_blocks:
            _shade_colour(grid, classes, confidence, width, body, display)
        else:
            _shade_glyphs(grid, classes, width, body, display)
    for pts, labs, glyphs in ((points, labels, (_ASCII_TRAIN if display.ascii else _TRAIN)),
                              (val_points, val_labels, (_ASCII_VAL if display.ascii else _VAL))):
        if pts is not None:
            _points(grid, np.asarray(pts, dtype=np.float64).reshape(-1, 2), labs, extent,
                    width, body, glyphs, display)
    if legend and height > 1:
        _legend(grid, height - 1, display)
    return grid.lines()


def _classes(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) class index and confidence in [0, 1] (0 = a coin toss)."""
    probs = np.nan_to_num(probs, nan=0.5)
    if probs.ndim == 2:
        p1 = np.clip(probs, 0.0, 1.0)
        return (p1 >= 0.5).astype(np.int64), np.abs(p1 - 0.5) * 2
    k = probs.shape[-1]
    top = probs.max(axis=-1)
    return probs.argmax(axis=-1), np.clip((top - 1.0 / k) / (1 - 1.0 / k), 0.0, 1.0)


def _resample(a: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Nearest-neighbour resize of the first two axes."""
    r = (np.arange(rows) + 0.5) * a.shape[0] / rows
    c = (np.arange(cols) + 0.5) * a.shape[1] / cols
    return a[r.astype(np.int64)][:, c.astype(np.int64)]


def _shade_colour(grid: CellGrid, classes: np.ndarray, confidence: np.ndarray, width: int,
                  body: int, display: Display) -> None:
    classes = _resample(classes, 2 * body, width)
    confidence = _resample(confidence, 2 * body, width)
    palette = np.array([class_rgb(k) for k in range(int(classes.max()) + 1)], dtype=np.float64)
    # Dark background tinted by the class: 25% when unsure up to 55% when sure,
    # in TINT_LEVELS steps. Neighbouring cells then share a style, which the
    # terminal receives once per run instead of once per cell, and a frame
    # repaints only the rows where the confidence crossed a step (about a
    # third of the bytes of a continuous tint, and the eye reads steps as well).
    steps = np.minimum(np.floor(confidence * TINT_LEVELS), TINT_LEVELS - 1) / (TINT_LEVELS - 1)
    tint = (0.25 + 0.30 * steps)[..., None]
    rgb = np.rint(np.asarray(NEUTRAL_BG) * (1 - tint) + palette[classes] * tint).astype(np.uint8)
    rows, cols = np.indices((body, width))
    grid.paint_rgb(rows.ravel(), cols.ravel(), "▀", display,
                   rgb[0::2].reshape(-1, 3), rgb[1::2].reshape(-1, 3))


def _shade_glyphs(grid: CellGrid, classes: np.ndarray, width: int, body: int,
                  display: Display) -> None:
    classes = _resample(classes, body, width)
    shades = np.array(list(_ASCII_SHADES if display.ascii else _SHADES))
    grid.chars[:body] = shades[np.minimum(classes, len(shades) - 1)]
    if display.coloured:  # ASCII with colour: tint the shade characters
        rows, cols = np.indices((body, width))
        colours = np.array([class_rgb(k) for k in range(int(classes.max()) + 1)], np.uint8)
        grid.paint_rgb(rows.ravel(), cols.ravel(), grid.chars[:body].ravel(), display,
                       colours[classes].reshape(-1, 3) // 2)


def _points(grid: CellGrid, pts: np.ndarray, labels: np.ndarray | None, extent: Extent,
            width: int, body: int, glyphs: str, display: Display) -> None:
    xmin, xmax, ymin, ymax = extent
    labs = (np.zeros(len(pts), np.int64) if labels is None
            else np.asarray(labels).reshape(-1)[: len(pts)].astype(np.int64))
    pts = pts[: len(labs)]
    with np.errstate(invalid="ignore", divide="ignore"):
        cols = np.floor((pts[:, 0] - xmin) / (xmax - xmin) * width)
        rows = np.floor((ymax - pts[:, 1]) / (ymax - ymin) * body)
    ok = np.isfinite(cols) & np.isfinite(rows) & (cols >= 0) & (cols < width) & \
        (rows >= 0) & (rows < body)
    rows, cols, labs = rows[ok].astype(np.int64), cols[ok].astype(np.int64), labs[ok]
    if rows.size == 0:
        return
    chars = np.array(list(glyphs))[np.clip(labs, 0, len(glyphs) - 1)]
    styles = [display.cls(k, bold=True) for k in range(len(glyphs))]
    if not display.half_blocks:
        grid.paint(rows, cols, chars, styles, np.clip(labs, 0, len(glyphs) - 1))
        return
    # keep the region colour of the cell as background, so points sit on the map
    under = [grid.style_of(int(i)).bgcolor for i in grid.ids[rows, cols]]
    cells = [display.cls(int(k), bold=True) + Style(bgcolor=bg)
             for k, bg in zip(labs, under, strict=True)]
    grid.paint(rows, cols, chars, cells, np.arange(len(cells)))


def _legend(grid: CellGrid, row: int, display: Display) -> None:
    train = _ASCII_TRAIN if display.ascii else _TRAIN
    val = _ASCII_VAL if display.ascii else _VAL
    col = 0
    for k in range(2):
        col = grid.text(row, col, train[k], display.cls(k, bold=True))
        col = grid.text(row, col, val[k], display.cls(k, bold=True))
        col = grid.text(row, col + 1, f"class {k}", display.label) + 2
    if not display.half_blocks:
        shades = _ASCII_SHADES if display.ascii else _SHADES
        col = grid.text(row, col, f"{shades[0]}{shades[1]} regions", display.label) + 2
    grid.text(row, col, "hollow: validation" if not display.ascii else "capital: validation",
              display.axis)

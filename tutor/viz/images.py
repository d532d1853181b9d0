"""Small images side by side: inputs, feature maps, learned filters.

With colour, each text cell holds two pixels (▀: upper = foreground), grey
for images and blue-grey-red for signed ones such as filters. Without colour
each pixel is two cells of a shade character, so it stays about square.
A highlighted window (the convolution's 3x3 patch) is tinted amber in colour
and bracketed `[..]` on each of its rows without colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.style import Style

from tutor.viz.colours import blend, ramp_rgb
from tutor.viz.display import Display
from tutor.viz.grid import CellGrid, Lines, fit

_TINT = (255, 190, 40)


@dataclass(frozen=True)
class Window:
    """Pixels [row, row + height) x [col, col + width) of image `image`."""

    image: int
    row: int
    col: int
    height: int = 3
    width: int = 3


def image_grid(images: np.ndarray | Sequence[np.ndarray], display: Display, *,
               titles: Sequence[str] = (), highlight: Window | None = None,
               vmin: float | None = None, vmax: float | None = None,
               signed: bool | None = None, gap: int = 2) -> Lines:
    """Lines of equal width: the images (N, H, W) left to right, `gap` cells apart.

    Each image is scaled to its own min..max unless vmin/vmax are given;
    `signed` (default: the range spans 0) centres the colour ramp on 0.
    Width: N * W (colour) or N * 2W (no colour) cells plus gaps. Height:
    ceil(H / 2) (colour) or H lines, plus one title line if `titles`.
    """
    stack = [np.atleast_2d(np.asarray(im, dtype=np.float64)) for im in images]
    half = display.half_blocks
    px = 1 if half else 2  # cells per pixel across
    widths = [im.shape[1] * px for im in stack]
    height = max((im.shape[0] for im in stack), default=0)
    lines = (height + 1) // 2 if half else height
    top = 1 if titles else 0
    grid = CellGrid(sum(widths) + gap * max(len(stack) - 1, 0), top + lines)
    left = 0
    for k, im in enumerate(stack):
        if k < len(titles):
            grid.text(0, left, fit(titles[k], widths[k]), Style(bold=True))
        window = highlight if highlight is not None and highlight.image == k else None
        t, is_signed = _normalised(im, vmin, vmax, signed)
        if half:
            _draw_colour(grid, t, is_signed, top, left, window, display)
        else:
            _draw_shades(grid, t, top, left, window, display)
        left += widths[k] + gap
    return grid.lines()


def _normalised(im: np.ndarray, vmin: float | None, vmax: float | None,
                signed: bool | None) -> tuple[np.ndarray, bool]:
    finite = im[np.isfinite(im)]
    lo = float(vmin) if vmin is not None else (float(finite.min()) if finite.size else 0.0)
    hi = float(vmax) if vmax is not None else (float(finite.max()) if finite.size else 1.0)
    is_signed = lo < 0 < hi if signed is None else signed
    if is_signed:
        bound = max(abs(lo), abs(hi)) or 1.0
        lo, hi = -bound, bound
    if not hi > lo:
        lo, hi = lo - 0.5, lo + 0.5
    return np.nan_to_num((im - lo) / (hi - lo), nan=0.5), is_signed


def _in_window(shape: tuple[int, int], window: Window | None) -> np.ndarray:
    mask = np.zeros(shape, dtype=bool)
    if window is not None:
        mask[max(window.row, 0): window.row + window.height,
             max(window.col, 0): window.col + window.width] = True
    return mask


def _draw_colour(grid: CellGrid, t: np.ndarray, signed: bool, top: int, left: int,
                 window: Window | None, display: Display) -> None:
    h, w = t.shape
    if signed:
        rgb = ramp_rgb(t, diverging=True)
    else:
        grey = np.rint(np.clip(t, 0, 1) * 235 + 10).astype(np.uint8)
        rgb = np.repeat(grey[..., None], 3, axis=-1)
    inside = _in_window((h, w), window)
    rgb[inside] = blend(rgb[inside], _TINT, 0.45)
    if h % 2:  # odd height: the last line's lower half shows the background
        rgb = np.concatenate([rgb, np.zeros((1, w, 3), np.uint8)])
    rows, cols = np.indices((rgb.shape[0] // 2, w))
    grid.paint_rgb((top + rows).ravel(), (left + cols).ravel(), "▀", display,
                   rgb[0::2].reshape(-1, 3), rgb[1::2].reshape(-1, 3))


def _draw_shades(grid: CellGrid, t: np.ndarray, top: int, left: int, window: Window | None,
                 display: Display) -> None:
    h, w = t.shape
    ramp = np.array(list(display.shade_ramp))
    chars = ramp[np.clip((t * (len(ramp) - 1) + 0.5).astype(np.int64), 0, len(ramp) - 1)]
    rows, cols = np.indices((h, w))
    grid.chars[top + rows, left + 2 * cols] = chars
    grid.chars[top + rows, left + 2 * cols + 1] = chars
    if window is None:
        return
    inside = _in_window((h, w), window)
    win_rows = np.flatnonzero(inside.any(axis=1))
    win_cols = np.flatnonzero(inside.any(axis=0))
    if win_rows.size == 0 or win_cols.size == 0:
        return
    first, last = left + 2 * int(win_cols[0]), left + 2 * int(win_cols[-1]) + 1
    style = display.highlight + Style(reverse=not display.coloured)
    for r in win_rows:
        grid.ids[top + r, first : last + 1] = grid.style_id(style)
        grid.chars[top + r, first] = "["
        grid.chars[top + r, last] = "]"

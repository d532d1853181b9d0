"""Line chart on braille dots: several series, axes with round ticks, log-y,
a dashed vertical marker, and NaN/inf drawn as a gap and named in the legend.

Layout, top to bottom: optional title, plot rows (y labels and axis on the
left), the x axis, its tick labels, the legend. Small heights drop the
legend, then the title, then the x labels; the plot keeps at least one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from rich.style import Style

from tutor.viz.canvas import LineCanvas
from tutor.viz.display import Display
from tutor.viz.grid import CellGrid, Lines, fit
from tutor.viz.ticks import compact, linear_ticks, log_ticks, padded_range

# Without colour, series differ by dash pattern (braille) or glyph (cells).
_DASHES: tuple[tuple[int, int] | None, ...] = (None, (4, 3), (1, 2), (7, 2), (2, 5))
_ASCII_GLYPHS = "*o+x%@"
_CELL_GLYPHS = "•○+×◆△"


@dataclass(frozen=True)
class Series:
    """One line: `y` over `x` (same length; extra points are ignored).
    `style` (a Rich style string) overrides the display's colour for it."""

    name: str
    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    style: str = ""


def line_chart(series: Sequence[Series], width: int, height: int, display: Display, *,
               log_y: bool = False, x_range: tuple[float, float] | None = None,
               y_range: tuple[float, float] | None = None, marker_x: float | None = None,
               marker_label: str = "", title: str = "", legend: bool = True) -> Lines:
    """`height` lines of exactly `width` cells: the series drawn over a shared
    x and y range (given or taken from the finite data).

    log_y: y on a log scale, ticks at powers of ten; values <= 0 leave a gap.
    marker_x: a dashed vertical line at that x, labelled `marker_label`.
    A series with NaN or inf is drawn up to them, resumes after them, and its
    legend entry says "diverged at <x>". Empty, constant and all-NaN input
    draw an empty frame; nothing raises.
    """
    grid = CellGrid(width, height)
    if grid.width == 0 or grid.height == 0:
        return grid.lines()
    data = [_prepared(s, log_y) for s in series]
    notes = [_divergence(x, raw) for x, _, raw in data]

    show_legend = legend and bool(series)
    show_title = bool(title)
    show_xlabels = True
    while height - show_title - show_legend - 1 - show_xlabels < 2 and (
            show_legend or show_title or show_xlabels):
        if show_legend:
            show_legend = False
        elif show_title:
            show_title = False
        else:
            show_xlabels = False
    top = int(show_title)
    rows = max(1, height - top - show_legend - show_xlabels - 1)

    xs = np.concatenate([x for x, _, _ in data]) if data else np.empty(0)
    ys = np.concatenate([y for _, y, _ in data]) if data else np.empty(0)
    xlo, xhi = x_range if x_range is not None else padded_range(xs)
    if y_range is not None:
        ylo, yhi = (_log(np.asarray(y_range, dtype=float)) if log_y else y_range)
        if not (np.isfinite(ylo) and np.isfinite(yhi) and yhi > ylo):
            ylo, yhi = padded_range(ys)
    else:
        ylo, yhi = padded_range(ys)
    if not xhi > xlo:
        xlo, xhi = xlo - 0.5, xlo + 0.5

    # y ticks and the left margin they need
    dot_h = rows * (4 if display.braille else 1)
    if log_y:
        ticks = [t for t in log_ticks(10 ** ylo, 10 ** yhi, max(1, rows // 2))]
        positions = [float(np.log10(t)) for t in ticks]
    else:
        ticks = linear_ticks(ylo, yhi, max(1, rows // 3))
        positions = ticks
    labels = [compact(t) for t in ticks]
    label_w = min(max((len(s) for s in labels), default=1), 7)
    left = min(label_w + 1, width - 1)
    plot_w = max(1, width - left)

    canvas = LineCanvas(plot_w, rows, display)

    def to_dx(x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - xlo) / (xhi - xlo) * (canvas.dot_width - 1) + 0.5

    def to_dy(y: np.ndarray) -> np.ndarray:
        return (yhi - np.asarray(y, dtype=np.float64)) / (yhi - ylo) * (dot_h - 1) + 0.5

    # marker under the series
    if marker_x is not None and np.isfinite(marker_x) and xlo <= marker_x <= xhi:
        mx = float(to_dx(np.array([marker_x]))[0])
        canvas.polyline(np.array([mx, mx]), np.array([0.0, dot_h - 1e-6]), display.marker,
                        glyph=display.glyph("┊", ":"),
                        dash=(2, 2) if canvas.braille else (1, 1), priority=-1.0)
    styles = [_series_style(s, i, display) for i, s in enumerate(series)]
    for i, (x, y, _) in enumerate(data):
        canvas.polyline(to_dx(x), to_dy(y), styles[i], glyph=_glyph(i, display),
                        dash=_dash(i, display))
    canvas.render_into(grid, top, left)

    # y axis
    axis, tick = display.glyph("│", "|"), display.glyph("┤", "+")
    grid.chars[top : top + rows, left - 1] = axis
    grid.ids[top : top + rows, left - 1] = grid.style_id(display.axis)
    for label, pos in zip(labels, positions, strict=True):
        r = int(float(to_dy(np.array([pos]))[0]) // canvas.sy)
        if 0 <= r < rows:
            grid.text(top + r, 0, fit(label, label_w, "right"), display.label)
            grid.text(top + r, left - 1, tick, display.axis)

    # x axis and its labels
    axis_row = top + rows
    grid.text(axis_row, left - 1, display.glyph("└", "+") + display.glyph("─", "-") * plot_w,
              display.axis)
    x_ticks = linear_ticks(xlo, xhi, max(1, plot_w // 12))
    end = -1
    for t in x_ticks:
        col = left + int(float(to_dx(np.array([t]))[0]) // canvas.sx)
        if col >= width:
            continue
        grid.text(axis_row, col, display.glyph("┬", "+"), display.axis)
        label = compact(t)
        start = min(max(col - len(label) // 2, 0), width - len(label))
        if show_xlabels and start > end:
            grid.text(axis_row + 1, start, label, display.label)
            end = start + len(label)
    if marker_x is not None and marker_label and xlo <= marker_x <= xhi:
        col = left + int(float(to_dx(np.array([marker_x]))[0]) // canvas.sx) + 1
        start = min(col, width - len(marker_label))
        grid.text(top, start, marker_label, display.marker)

    if not np.isfinite(ys).any():
        message = "no data yet" if ys.size == 0 else "no finite values"
        grid.text(top + rows // 2, left + max(0, (plot_w - len(message)) // 2), message,
                  display.note if ys.size else display.axis)
    if show_title:
        grid.text(0, 0, fit(title, width), Style(bold=True))
    if show_legend:
        _legend(grid, height - 1, series, styles, notes, display)
    elif any(notes):
        note = "; ".join(f"{s.name} {n}" for s, n in zip(series, notes, strict=True) if n)
        grid.text(top, max(left, width - len(note)), fit(note, width - left), display.note)
    return grid.lines()


def _log(v: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(v > 0, np.log10(np.where(v > 0, v, 1.0)), np.nan)


def _prepared(s: Series, log_y: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y on the plotted scale, raw y), all float64 and of equal length."""
    y_raw = np.asarray(s.y, dtype=np.float64).reshape(-1)
    x = np.asarray(s.x, dtype=np.float64).reshape(-1) if s.x is not None else np.arange(y_raw.size)
    n = min(x.size, y_raw.size)
    x, y_raw = x[:n], y_raw[:n]
    return x, (_log(y_raw) if log_y else y_raw), y_raw


def _divergence(x: np.ndarray, y: np.ndarray) -> str:
    """The legend note of a series whose raw y has NaN or inf."""
    bad = np.flatnonzero(~np.isfinite(y) & np.isfinite(x))
    return f"diverged at {compact(float(x[bad[0]]))}" if bad.size else ""


def _series_style(s: Series, i: int, display: Display) -> Style:
    if s.style and display.coloured:
        return Style.parse(s.style)
    return display.series(i)


def _dash(i: int, display: Display) -> tuple[int, int] | None:
    return None if display.coloured or not display.braille else _DASHES[i % len(_DASHES)]


def _glyph(i: int, display: Display) -> str:
    glyphs = _ASCII_GLYPHS if display.ascii else _CELL_GLYPHS
    return glyphs[i % len(glyphs)]


def _legend(grid: CellGrid, row: int, series: Sequence[Series], styles: list[Style],
            notes: list[str], display: Display) -> None:
    col = 0
    for i, s in enumerate(series):
        if col >= grid.width:
            break
        grid.text(row, col, _sample(_glyph(i, display), _dash(i, display), display.braille),
                  styles[i])
        col = grid.text(row, col + 4, s.name, display.label)
        if notes[i]:
            col = grid.text(row, col + 1, f"({notes[i]})", display.note)
        col += 2


@cache
def _sample(glyph: str, dash: tuple[int, int] | None, braille: bool) -> str:
    """Three cells of a series' line as the legend shows it."""
    canvas = LineCanvas(3, 1, Display("braille" if braille else "blocks", "none"))
    canvas.polyline(np.array([0.0, canvas.dot_width - 1e-6]), np.full(2, canvas.sy / 2 - 0.5),
                    Style(), glyph=glyph, dash=dash)
    grid = CellGrid(3, 1)
    canvas.render_into(grid, 0, 0)
    return grid.lines()[0].plain

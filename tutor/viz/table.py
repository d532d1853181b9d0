"""A table of short texts: header, rule, rows, each line exactly `width` cells.

Columns are as wide as their widest cell; when the table is too wide for
`width`, the widest columns give up cells first (their texts end in an
ellipsis), so every column keeps at least its first characters. Numbers read
best right-aligned: pass `align` per column ("left" or "right"). The
highlighted row is bold, and marked with a leading ">" so it stands out
without colour too.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style

from tutor.viz.display import Display
from tutor.viz.grid import CellGrid, Lines, fit

_GAP = 2


def table(header: Sequence[str], rows: Sequence[Sequence[str]], width: int, display: Display,
          *, align: Sequence[str] = (), highlight: int | None = None,
          height: int | None = None) -> Lines:
    """Header, a rule and the rows (the last `height - 2` when `height` is given,
    so the newest rows of a growing table stay visible); `height` lines when
    given, else 2 + len(rows)."""
    n_cols = len(header)
    shown = list(rows)
    first = 0
    if height is not None:
        room = max(0, height - 2)
        first = max(0, len(shown) - room)
        shown = shown[first:]
    lines_needed = 2 + len(shown) if height is None else height
    grid = CellGrid(width, lines_needed)
    if grid.width == 0 or grid.height == 0 or n_cols == 0:
        return grid.lines()
    widths = _widths([header, *shown], n_cols, grid.width - 1)
    aligns = [align[k] if k < len(align) else "left" for k in range(n_cols)]
    bold = Style(bold=True)
    grid.text(0, 1, _row(header, widths, aligns, display), bold)
    grid.text(1, 0, display.glyph("─", "-") * grid.width, display.axis)
    for y, cells in enumerate(shown, start=2):
        if y >= grid.height:
            break
        marked = highlight is not None and first + y - 2 == highlight
        grid.text(y, 0, ">" if marked else " ", bold if marked else None)
        grid.text(y, 1, _row(cells, widths, aligns, display), bold if marked else None)
    return grid.lines()


def _widths(rows: Sequence[Sequence[str]], n_cols: int, room: int) -> list[int]:
    """Column widths that fit `room` cells (gaps included), widest cut first."""
    widths = [max((len(r[k]) if k < len(r) else 0) for r in rows) for k in range(n_cols)]
    room_for_text = room - _GAP * (n_cols - 1)
    while sum(widths) > max(room_for_text, n_cols) and max(widths) > 1:
        widths[widths.index(max(widths))] -= 1
    return widths


def _row(cells: Sequence[str], widths: Sequence[int], aligns: Sequence[str],
         display: Display) -> str:
    parts = []
    for k, w in enumerate(widths):
        text = cells[k] if k < len(cells) else ""
        if len(text) > w:
            text = text[: max(w - 1, 0)] + display.glyph("…", "~") if w > 1 else text[:w]
        parts.append(fit(text, w, aligns[k]))
    return (" " * _GAP).join(parts)

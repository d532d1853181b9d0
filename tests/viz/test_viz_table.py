"""The results table: exact width, alignment, cutting, newest rows, highlight."""

from __future__ import annotations

import pytest

from tests.viz.helpers import DISPLAYS, assert_box
from tutor.viz.display import Display
from tutor.viz.table import table

HEADER = ("#", "lr", "best val")
ROWS = [("1", "0.1", "0.131"), ("2", "0.03", "0.397"), ("3", "0.3", "0.160")]


@pytest.mark.parametrize("display", DISPLAYS)
def test_every_line_is_exactly_the_width(display: Display) -> None:
    lines = table(HEADER, ROWS, 30, display, align=("right", "right", "right"))
    assert_box(lines, 30, 2 + len(ROWS))
    assert lines[0].plain.split() == ["#", "lr", "best", "val"]
    assert set(lines[1].plain) == {display.glyph("─", "-")}
    if display.ascii:
        assert all(ord(ch) < 128 for line in lines for ch in line.plain)


def test_right_aligned_numbers_end_in_one_column() -> None:
    lines = table(HEADER, ROWS, 30, Display("ascii", "none"), align=("right", "right", "right"))
    ends = {line.plain.rstrip().__len__() for line in lines[2:]}
    assert len(ends) == 1


def test_too_narrow_cuts_the_widest_column_with_an_ellipsis() -> None:
    rows = [("1", "a very long description of the settings", "0.131")]
    lines = table(("#", "settings", "val"), rows, 24, Display("braille", "none"))
    assert_box(lines, 24, 3)
    assert "…" in lines[2].plain and "0.131" in lines[2].plain


def test_height_keeps_the_newest_rows_and_marks_the_highlight() -> None:
    rows = [(str(k), "x", f"{k / 10:.1f}") for k in range(1, 8)]
    lines = table(("#", "k", "v"), rows, 20, Display("ascii", "none"), height=5, highlight=6)
    assert_box(lines, 20, 5)
    assert [line.plain.split()[0].lstrip(">") for line in lines[2:]] == ["5", "6", "7"]
    assert lines[4].plain.startswith(">")
    assert not lines[3].plain.startswith(">")


def test_empty_and_degenerate_sizes_never_raise() -> None:
    assert_box(table(HEADER, [], 10, Display()), 10, 2)
    assert table(HEADER, ROWS, 0, Display()) == [] or all(
        line.cell_len == 0 for line in table(HEADER, ROWS, 0, Display()))
    assert_box(table(HEADER, ROWS, 3, Display(), height=1), 3, 1)


def test_a_grid_without_columns_still_has_its_rows() -> None:
    from tutor.viz.bars import bars
    from tutor.viz.grid import CellGrid

    assert [line.plain for line in CellGrid(0, 3).lines()] == ["", "", ""]
    assert len(bars([0.5, 0.9], ["a", "b"], 0, Display())) == 2

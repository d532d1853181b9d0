"""The text graphics of the second half's demos, read as plain text, in
Unicode and in pure ASCII (no app needed)."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.lessons import matmul as lesson
from tutor.ui.demos.convolution import number, number_grids
from tutor.ui.demos.matmul import precision_lines, seconds_text, speed_lines
from tutor.viz.display import Display

DISPLAYS = [Display("braille", "truecolor"), Display("ascii", "none")]


def test_numbers_are_short():
    assert [number(v) for v in (3.0, -1.0, 0.0, 0.111, -0.25, 2.5, np.nan)] == [
        "3", "-1", "0", ".1", "-.2", "2.5", "."]


@pytest.mark.parametrize("display", DISPLAYS)
def test_number_grids_side_by_side(display):
    image = np.array([[0, 0, 1], [0, 1, 1]], dtype=float)
    partial = np.array([[3.0, np.nan]])
    lines = number_grids([("picture", image, {(0, 0)}), ("map", partial, set())], display)
    text = [line.plain for line in lines]
    assert len({len(t) for t in text}) == 1  # one width
    assert text[0].startswith("picture") and "map" in text[0]
    assert text[1].split() == ["0", "0", "1", "3", "."]
    assert text[2].split() == ["0", "1", "1"]
    assert all(t.isascii() for t in text)
    reversed_cells = [span for span in lines[1].spans if span.style and span.style.reverse]
    assert len(reversed_cells) == 1


@pytest.mark.parametrize("display", DISPLAYS)
def test_speed_lines_say_what_was_scaled(display):
    timings = [lesson.Timing("Python loop", 40, 200, 0.02),
               lesson.Timing("numpy", 200, 200, 0.001),
               lesson.Timing("numba", 200, 200, 0.002, first_call=1.2)]
    text = [line.plain for line in speed_lines(200, timings, 72, display)]
    assert all(len(t) == 72 and t.isascii() for t in text)
    assert "2.50 s*" in text[1] and "1x" in text[1]
    assert "2,500x" in text[2] and "1,250x" in text[3]
    assert any("scaled by (200/40)^3" in t for t in text)
    assert any("first call" in t and "1.20 s" in t for t in text)
    assert seconds_text(0.0000123) == "12 us"


@pytest.mark.parametrize("display", DISPLAYS)
def test_precision_lines_mark_the_featured_precision(display):
    rows = lesson.precision_errors(16)
    text = [line.plain for line in precision_lines(rows, "float16", 70, display)]
    assert len(text) == 1 + len(rows)
    marker = display.glyph("▶", ">")
    assert text[1].startswith(marker) and "float16" in text[1]
    assert not text[3].startswith(marker)
    if display.ascii:
        assert all(t.isascii() for t in text)

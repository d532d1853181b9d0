from __future__ import annotations

import numpy as np
import pytest

from tests.viz.helpers import DISPLAYS, assert_box, colour_styles
from tutor.viz.display import Display
from tutor.viz.linechart import Series, line_chart
from tutor.viz.ticks import compact, linear_ticks, log_ticks

BRAILLE = Display("braille", "truecolor")
X = np.arange(100, dtype=float)


def decay() -> list[Series]:
    return [Series("train", X, np.exp(-X / 30)), Series("val", X, np.exp(-X / 40) + 0.1)]


@pytest.mark.parametrize("display", DISPLAYS, ids=str)
@pytest.mark.parametrize(("width", "height"), [(60, 20), (30, 8), (12, 4), (5, 2), (1, 1)])
def test_every_line_is_exactly_the_box(display: Display, width: int, height: int) -> None:
    lines = line_chart(decay(), width, height, display, title="loss", marker_x=40.0,
                       marker_label="best")
    assert_box(lines, width, height)


@pytest.mark.parametrize(
    "series",
    [
        [],
        [Series("empty", np.empty(0), np.empty(0))],
        [Series("flat", X, np.full(100, 3.0))],
        [Series("nan", X, np.full(100, np.nan))],
        [Series("inf", X, np.full(100, np.inf)), Series("one", X[:1], np.ones(1))],
        [Series("ragged", X, np.ones(7))],
        [Series("huge", X, np.where(X > 50, 1e300, 1.0))],
    ],
    ids=lambda s: ",".join(x.name for x in s) or "none",
)
@pytest.mark.parametrize("log_y", [False, True])
def test_degenerate_input_draws_a_frame(series: list[Series], log_y: bool) -> None:
    lines = line_chart(series, 40, 10, BRAILLE, log_y=log_y)
    assert_box(lines, 40, 10)
    assert "└" in "".join(line.plain for line in lines)


def test_all_nan_says_so() -> None:
    lines = line_chart([Series("nan", X, np.full(100, np.nan))], 40, 10, BRAILLE)
    assert any("no finite values" in line.plain for line in lines)


def test_y_labels_and_title() -> None:
    lines = line_chart([Series("s", X, X / 100)], 50, 14, BRAILLE, title="accuracy")
    assert lines[0].plain.startswith("accuracy")
    margin = [line.plain[:3] for line in lines]
    assert any(m.strip() == "0" for m in margin) and any(m.strip() == "0.8" for m in margin)


def test_marker_sits_on_its_axis_tick() -> None:
    lines = line_chart([Series("s", X, np.ones(100))], 61, 12, BRAILLE, x_range=(0, 100),
                       y_range=(0, 2), marker_x=40.0, legend=False)
    axis_row = next(i for i, line in enumerate(lines) if "└" in line.plain)
    label_row = lines[axis_row + 1].plain
    tick_40 = label_row.index("40") + 1  # "40" is centred on its tick
    assert lines[axis_row].plain[tick_40] == "┬"
    marked = [i for i in range(axis_row) if lines[i].plain[tick_40] not in " ⠀"]
    assert len(marked) >= axis_row - 2  # dashed, drawn on (nearly) every row


def test_marker_at_the_ends_of_the_range() -> None:
    for x, col in ((0.0, 0), (100.0, -1)):
        lines = line_chart([], 41, 8, Display("ascii", "none"), x_range=(0, 100),
                           y_range=(0, 1), marker_x=x, legend=False)
        axis_row = next(i for i, line in enumerate(lines) if "+-" in line.plain)
        left = lines[axis_row].plain.index("+") + 1  # the corner
        plot = [line.plain[left:] for line in lines[:axis_row]]
        assert sum(row[col] == ":" for row in plot) >= 2


def test_nan_leaves_a_gap_and_is_named() -> None:
    y = np.ones(100)
    y[40:60] = np.nan
    lines = line_chart([Series("lr=1.1", X, y)], 60, 12, BRAILLE, y_range=(0, 2),
                       x_range=(0, 99))
    assert "lr=1.1 (diverged at 40)" in lines[-1].plain
    left = next(line.plain.index("│") for line in lines if "│" in line.plain) + 1
    plot = [line.plain[left:] for line in lines if "│" in line.plain or "┤" in line.plain]
    row = max(plot, key=lambda r: len(r.replace(" ", "")))  # the row the flat line is on
    cells = row
    width = len(cells)
    gap = cells[int(0.45 * width): int(0.55 * width)]
    assert gap.strip() == ""
    assert cells[: int(0.35 * width)].strip() and cells[int(0.65 * width):].strip()


def test_log_scale_puts_decades_on_evenly_spaced_rows() -> None:
    y = 10.0 ** np.linspace(1, -3, 100)
    lines = line_chart([Series("loss", X, y)], 50, 22, BRAILLE, log_y=True, legend=False)
    rows = {}
    for i, line in enumerate(lines):
        label = line.plain[: line.plain.index("┤")].strip() if "┤" in line.plain else ""
        if label:
            rows[label] = i
    assert list(rows) == ["10", "1", "0.1", "0.01", "1e-3"]
    steps = np.diff(list(rows.values()))
    assert steps.max() - steps.min() <= 1


@pytest.mark.parametrize("display", [Display("ascii", "none"), Display("ascii", "truecolor")],
                         ids=str)
def test_ascii_form_is_ascii(display: Display) -> None:
    y = np.exp(-X / 30)
    y[70:] = np.inf
    lines = line_chart([*decay(), Series("big", X, y)], 60, 20, display, marker_x=30.0,
                       marker_label="best", title="loss")
    assert all(line.plain.isascii() for line in lines)


def test_no_colour_form_has_no_colour_and_tells_series_apart() -> None:
    for display in (Display("braille", "none"), Display("ascii", "none")):
        lines = line_chart(decay(), 60, 16, display)
        assert colour_styles(lines) == []
        legend = lines[-1].plain
        train, val = legend.index("train"), legend.index("val")
        sample_train = legend[train - 4: train - 1]
        sample_val = legend[val - 4: val - 1]
        assert sample_train.strip() and sample_val.strip() and sample_train != sample_val


def test_colour_form_colours_series_differently() -> None:
    lines = line_chart(decay(), 60, 16, BRAILLE)
    assert len(set(colour_styles(lines))) >= 2


def test_compact_labels() -> None:
    assert [compact(v) for v in (0, 0.25, 12.5, 1500, 2e6, 1e-3, 2.5e-4, -3000)] == [
        "0", "0.25", "12.5", "1.5k", "2M", "1e-3", "2.5e-4", "-3k"]
    assert compact(float("nan")) == "nan"


def test_ticks_are_round() -> None:
    assert linear_ticks(0.0, 1.0, 5) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert linear_ticks(0.1, 0.35, 3) == [0.1, 0.2, 0.3]
    assert log_ticks(1e-4, 1.0, 2) == [1e-4, 1e-2, 1.0]


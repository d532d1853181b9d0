"""Heatmap, decision boundary, bars, network diagram and image grid, as text."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from rich.style import Style
from rich.text import Text

from tests.viz.helpers import DISPLAYS, assert_box, colour_styles
from tutor.viz.bars import bars
from tutor.viz.boundary import boundary_grid_shape, decision_boundary, grid_points
from tutor.viz.display import Display
from tutor.viz.heatmap import heatmap
from tutor.viz.images import Window, image_grid
from tutor.viz.network import network_diagram

COLOUR = Display("braille", "truecolor")
MONO = Display("braille", "none")
ASCII = Display("ascii", "none")
EXTENT = (-1.0, 1.0, -1.0, 1.0)


def plain(lines: list) -> str:
    return "\n".join(line.plain for line in lines)


def style_at(line: Text, offset: int) -> Style:
    style = Style()
    for span in line.spans:
        if span.start <= offset < span.end:
            style += span.style if isinstance(span.style, Style) else Style.parse(span.style)
    return style


def widths(lines: list) -> set[int]:
    return {line.cell_len for line in lines}


# -- heatmap ------------------------------------------------------------------------
@pytest.mark.parametrize("display", DISPLAYS, ids=str)
@pytest.mark.parametrize("shape", [(1, 1), (5, 6), (7, 3)])
def test_heatmap_lines_share_one_width(display: Display, shape: tuple[int, int]) -> None:
    values = np.arange(np.prod(shape), dtype=float).reshape(shape)
    for labels in ((), [f"r{i}" for i in range(shape[0])]):
        lines = heatmap(values, display, row_labels=labels, col_labels=["a"] * shape[1],
                        highlight_row=0)
        assert len(widths(lines)) == 1
        half = display.half_blocks and not labels
        body = (shape[0] + 1) // 2 if half else shape[0]
        assert len(lines) == 1 + body + 1


def test_heatmap_highlighted_row_is_marked() -> None:
    values = np.random.default_rng(0).random((4, 5))
    labels = ["the", "cat", "sat", "down"]
    for display in (COLOUR, MONO):
        lines = heatmap(values, display, row_labels=labels, col_labels=list("abcde"),
                        highlight_row=2)
        marked = [i for i, line in enumerate(lines) if line.plain.startswith("▶")]
        assert marked == [1 + 2] and "sat" in lines[3].plain
    half = heatmap(values, COLOUR, highlight_row=2)  # two rows a line: row 2 is on line 1
    assert [i for i, line in enumerate(half) if line.plain.startswith("▶")] == [1]


def test_heatmap_without_colour_uses_the_shade_ramp() -> None:
    values = np.array([[0.0, 0.5, 1.0]])
    ascii_lines = heatmap(values, ASCII, cell_width=1, scale=False)
    assert ascii_lines[0].plain == " +@"
    assert heatmap(values, MONO, cell_width=1, scale=False)[0].plain == " ▒█"
    assert colour_styles(ascii_lines) == []
    scale = heatmap(values, ASCII)[-1].plain
    assert scale.startswith("0 ") and scale.rstrip().endswith(" 1")


def test_heatmap_all_nan_and_constant_do_not_raise() -> None:
    for values in (np.full((3, 3), np.nan), np.ones((2, 2)), np.empty((0, 0))):
        for display in DISPLAYS:
            assert len(widths(heatmap(values, display))) == 1


# -- decision boundary ----------------------------------------------------------------
def halves(display: Display, width: int, height: int) -> np.ndarray:
    rows, cols = boundary_grid_shape(width, height, display)
    x = grid_points(EXTENT, cols, rows)[:, 0].reshape(rows, cols)
    return (x > 0).astype(float)  # P(class 1): left half 0, right half 1


@pytest.mark.parametrize("display", [MONO, ASCII], ids=str)
def test_boundary_shades_split_at_the_middle_without_colour(display: Display) -> None:
    lines = decision_boundary(halves(display, 40, 10), EXTENT, 40, 10, display)
    assert_box(lines, 40, 10)
    zero, one = ("░", "▓") if display.glyphs != "ascii" else (".", "#")
    for line in lines:
        assert line.plain == zero * 20 + one * 20
    assert colour_styles(lines) == []


def test_boundary_colours_split_at_the_middle() -> None:
    lines = decision_boundary(halves(COLOUR, 40, 10), EXTENT, 40, 10, COLOUR)
    for line in lines:
        colours = [str(style_at(line, i).color) for i in range(40)]
        assert len(set(colours[:20])) == 1 and len(set(colours[20:])) == 1
        assert colours[0] != colours[-1]


def test_boundary_tints_in_a_few_steps_darker_where_unsure() -> None:
    from tutor.viz.boundary import TINT_LEVELS

    rows, cols = boundary_grid_shape(40, 10, COLOUR)
    x = grid_points(EXTENT, cols, rows)[:, 0].reshape(rows, cols)
    lines = decision_boundary((x + 1) / 2, EXTENT, 40, 10, COLOUR)  # P(class 1) from 0 to 1
    row = lines[0]
    colours = [style_at(row, i).color for i in range(40)]
    # A smooth ramp of confidence becomes at most TINT_LEVELS shades per class,
    # so neighbouring cells share their style...
    assert len({str(c) for c in colours}) <= 2 * TINT_LEVELS
    assert sum(a != b for a, b in itertools.pairwise(colours)) < 2 * TINT_LEVELS
    # ...and the surest cells (the edges) are tinted more than the unsure middle.
    def strength(colour: object) -> int:
        r, g, b = colour.triplet  # type: ignore[attr-defined]
        return max(r, g, b) - min(r, g, b)

    assert strength(colours[0]) > strength(colours[19])
    assert strength(colours[-1]) > strength(colours[20])


def test_boundary_points_show_class_and_split() -> None:
    points = np.array([[-0.9, 0.9], [0.9, -0.9]])
    labels = np.array([0, 1])
    for display, train, val in ((COLOUR, "●■", "○□"), (MONO, "●■", "○□"), (ASCII, "ox", "OX")):
        lines = decision_boundary(halves(display, 20, 8), EXTENT, 20, 8, display,
                                  points=points, labels=labels, val_points=points * [-1, 1],
                                  val_labels=labels, legend=True)
        assert_box(lines, 20, 8)
        assert lines[0].plain[0] == train[0] and lines[6].plain[-1] == train[1]
        assert lines[0].plain[-1] == val[0] and lines[6].plain[0] == val[1]


def test_boundary_accepts_multiclass_any_grid_and_no_grid() -> None:
    probs = np.zeros((7, 9, 3))
    probs[:, :3, 0] = probs[:, 3:6, 1] = probs[:, 6:, 2] = 1.0
    for display in DISPLAYS:
        assert_box(decision_boundary(probs, EXTENT, 30, 6, display), 30, 6)
        assert_box(decision_boundary(None, EXTENT, 30, 6, display,
                                     points=np.array([[np.nan, 0.0], [5.0, 5.0]]),
                                     labels=np.array([0, 1])), 30, 6)
    assert set(decision_boundary(probs, EXTENT, 9, 2, ASCII)[0].plain) == {".", "#", ":"}


# -- bars ---------------------------------------------------------------------------
def test_bars_lengths_follow_values_and_sum_is_shown() -> None:
    probs = np.array([0.5, 0.25, 0.25])
    lines = bars(probs, ["cat", "dog", "fox"], 40, ASCII, vmax=1.0, show_sum=True, highlight=0)
    assert_box(lines, 40, 4)
    counts = [line.plain.count("#") for line in lines[:3]]
    assert counts[0] == 2 * counts[1] == 2 * counts[2] > 0
    assert lines[0].plain.startswith(">") and lines[0].plain.endswith("0.500")
    assert lines[3].plain.endswith("sum = 1.000")


def test_bars_negative_values_and_nan() -> None:
    for display in DISPLAYS:
        lines = bars([2.0, -1.0, float("nan")], ["a", "b", "c"], 30, display)
        assert_box(lines, 30, 3)
        assert lines[2].plain.endswith("nan")
    lines = bars([2.0, -1.0], ["a", "b"], 30, ASCII)
    zero = lines[0].plain.index("|")
    assert lines[1].plain.index("|") == zero
    assert lines[0].plain[zero + 1] == "#" and lines[1].plain[zero - 1] == "#"


# -- network diagram ------------------------------------------------------------------
@pytest.mark.parametrize("display", DISPLAYS, ids=str)
@pytest.mark.parametrize("sizes", [(2, 3, 1), (2, 8, 8, 1)])
def test_network_shape_and_nodes(display: Display, sizes: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(a, b)) for a, b in itertools.pairwise(sizes)]
    lines = network_diagram(sizes, weights, 50, 12, display)
    assert_box(lines, 50, 12)
    node = "O" if display.glyphs == "ascii" else "●"
    assert plain(lines[:-1]).count(node) == sum(sizes)
    assert lines[-1].plain.split() == [str(n) for n in sizes]


def test_network_sign_shows_without_colour() -> None:
    positive = network_diagram((1, 1), [np.array([[1.0]])], 20, 5, ASCII)
    negative = network_diagram((1, 1), [np.array([[-1.0]])], 20, 5, ASCII)
    assert "+" in plain(positive) and "-" not in plain(positive[:-1])
    assert "-" in plain(negative[:-1]) and "+" not in plain(negative)
    # in colour the sign is in the hue: the two edges differ in colour
    assert colour_styles(network_diagram((1, 1), [np.array([[1.0]])], 20, 5, COLOUR)) != \
        colour_styles(network_diagram((1, 1), [np.array([[-1.0]])], 20, 5, COLOUR))


def test_network_rejects_mismatched_weights() -> None:
    with pytest.raises(ValueError, match="do not join"):
        network_diagram((2, 3), [np.ones((4, 4))], 20, 5, COLOUR)


# -- image grid -----------------------------------------------------------------------
@pytest.mark.parametrize("display", DISPLAYS, ids=str)
def test_image_grid_size(display: Display) -> None:
    images = np.random.default_rng(0).random((3, 7, 5))
    lines = image_grid(images, display, titles=["a", "b", "c"], highlight=Window(0, 1, 1))
    half = display.half_blocks
    assert len(lines) == 1 + ((7 + 1) // 2 if half else 7)
    assert widths(lines) == {3 * 5 * (1 if half else 2) + 2 * 2}


def test_image_window_is_bracketed_without_colour() -> None:
    image = np.zeros((6, 6))
    lines = image_grid([image], ASCII, highlight=Window(0, row=2, col=1))
    rows = [i for i, line in enumerate(lines) if "[" in line.plain]
    assert rows == [2, 3, 4]
    for i in rows:
        assert lines[i].plain.index("[") == 2 and lines[i].plain.index("]") == 7


def test_image_values_map_to_the_ramp() -> None:
    lines = image_grid([np.array([[0.0, 1.0]])], ASCII)
    assert lines[0].plain == "  @@"
    assert all(line.plain.isascii() for line in lines)


def test_heatmap_levels_round_colours_to_steps() -> None:
    values = np.linspace(-1.0, 1.0, 40)[None, :]
    smooth = heatmap(values, COLOUR, vmin=-1, vmax=1, cell_width=1, scale=False)
    stepped = heatmap(values, COLOUR, vmin=-1, vmax=1, cell_width=1, scale=False, levels=5)
    assert len({str(c) for c in _colours(smooth)}) > 5
    assert len({str(c) for c in _colours(stepped)}) == 5
    assert [line.plain for line in stepped] == [line.plain for line in smooth]


def _colours(lines: list[Text]) -> list[object]:
    return [style_at(line, i).color for line in lines for i in range(len(line.plain))
            if style_at(line, i).color is not None]

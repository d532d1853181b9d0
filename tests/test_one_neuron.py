"""One neuron: the plane and the cursor show activation(w·x + b), and keys change it."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from ui_helpers import exercise_demo, screen_text, shown_demo

from tutor.content.demos import parse_demo
from tutor.lessons.one_neuron import Neuron, pixel_centres, pixel_of, plane, verdict
from tutor.options import AppOptions
from tutor.ui.demos.one_neuron import OneNeuron
from tutor.ui.startup import make_app

Options = Callable[..., AppOptions]

FORMULAS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "identity": lambda z: z,
}
# The slide's neuron and two more (every activation, negative bias, steep weights).
NEURONS = [Neuron("sigmoid", 1.5, -0.5, 0.0), Neuron("tanh", -2.0, 0.75, -1.25),
           Neuron("relu", 0.5, 3.0, 0.5), Neuron("identity", -1.0, -1.0, 2.0)]


def _by_hand(n: Neuron, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    return FORMULAS[n.activation](n.w1 * x1 + n.w2 * x2 + n.b)


@pytest.mark.parametrize("neuron", NEURONS, ids=lambda n: n.activation)
def test_the_plane_is_the_formula_at_every_pixel(neuron: Neuron) -> None:
    values = plane(neuron, 30, 12)
    x1, x2 = pixel_centres(30, 12)
    assert values.shape == (12, 30) and x2[0, 0] > x2[-1, 0] and x1[0, 0] < x1[0, -1]
    np.testing.assert_allclose(values, _by_hand(neuron, x1, x2), rtol=1e-5, atol=1e-6)
    for row, col in ((0, 0), (5, 17), (11, 29)):
        assert pixel_of(float(x1[row, col]), float(x2[row, col]), 30, 12) == (row, col)


def test_the_slide_sets_the_neuron_and_the_formula_shows_its_numbers() -> None:
    neuron = Neuron.from_demo(parse_demo("one-neuron activation=sigmoid w1=1.5 w2=-0.5 b=0"))
    assert neuron == NEURONS[0]
    assert neuron.formula() == "y = sigmoid(1.5·x1 - 0.5·x2 + 0)"
    assert neuron.nudged("b", -0.25).formula() == "y = sigmoid(1.5·x1 - 0.5·x2 - 0.25)"
    assert neuron.nudged("w1", 100).w1 == 10.0  # held to the spec's range


def test_verdict_follows_the_weights() -> None:
    assert "towards the right" in verdict(Neuron("sigmoid", 2, 0, 0))
    assert "towards the top" in verdict(Neuron("sigmoid", 0, 1, 0))
    assert "through the middle" not in verdict(Neuron("sigmoid", 1, 1, 1))
    assert "the same everywhere" in verdict(Neuron("sigmoid", 0, 0, 1))


async def test_one_neuron_slide_at_both_sizes_with_and_without_colour(
        options_for: Options) -> None:
    await exercise_demo(lambda: make_app(options_for(deck="deep-learning",
                                                     slide="neuron-formula")),
                        ["plus", "down", "minus", "down", "down", "plus", "a", "r"],
                        expect="cursor", settle=lambda demo: demo.kernel_ready)


async def test_cursor_reads_activation_of_w_x_plus_b(options_for: Options) -> None:
    app = make_app(options_for(deck="deep-learning", slide="neuron-formula"))
    async with app.run_test(size=(120, 40)) as pilot:
        demo = await shown_demo(pilot, OneNeuron, lambda d: d.kernel_ready)
        # w1 up twice, b down, cursor x2 down three times, then each activation in turn.
        await pilot.press("plus", "plus", "down", "down", "minus", "down", "down",
                          "minus", "minus", "minus")
        n = demo.neuron
        assert (n.w1, n.w2, n.b) == (2.0, -0.5, -0.25) and demo.cursor == (1.0, 0.25)
        for _ in range(4):
            x1, x2 = demo.cursor
            expected = _by_hand(demo.neuron, np.float64(x1), np.float64(x2))
            assert demo.cursor_value == pytest.approx(float(expected), rel=1e-5, abs=1e-6)
            await pilot.pause()
            assert demo.neuron.formula() in screen_text(app)
            assert f"y = {demo.cursor_value:.3g}" in screen_text(app)
            await pilot.press("a")

"""linear-vs-nonlinear: without activations the deep net's boundary is a
straight line near chance; with ReLU it bends and gets it right."""

from __future__ import annotations

import numpy as np
import pytest

from tests.lessons.lesson_slides import slide_params
from tutor.lessons import linear_vs_nonlinear as lesson
from tutor.lessons.plane import Plane, linearly_separable
from tutor.lessons.runs import simulate

SEEDS = (0, 1, 2)


@pytest.mark.parametrize("seed", SEEDS)
def test_identity_stays_straight_relu_bends(seed: int) -> None:
    settings = lesson.Settings.from_params(slide_params("linear-vs-nonlinear"))
    assert settings.sizes == (2, 8, 8, 8, 1)  # the slide's layers=3 width=8
    data = lesson.dataset(settings, seed)
    area = lesson.plane(data)
    linear, bent = (lesson.outcome(spec.name, simulate(spec, seed), area)
                    for spec in lesson.runs(settings, data))
    assert linear.accuracy <= lesson.LINEAR_CEILING and linear.straight is True
    assert bent.accuracy >= lesson.BENT_FLOOR and bent.straight is False
    assert lesson.shown(linear, bent)


def test_separability_on_small_cases() -> None:
    square = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    assert linearly_separable(square, np.array([[1.5, 0.5]]))
    assert not linearly_separable(square, np.array([[0.5, 0.5]]))  # inside the hull
    assert not linearly_separable(np.array([[0, 0], [1, 1]]), np.array([[0, 1], [1, 0]]))  # XOR
    assert linearly_separable(np.array([[0, 0], [1, 0]]), np.array([[2, 0], [3, 0]]))  # one line
    assert not linearly_separable(np.array([[0, 0], [2, 0]]), np.array([[1, 0]]))
    assert linearly_separable(np.zeros((0, 2)), square)


def test_straight_boundary_on_the_grid() -> None:
    area = Plane((-1.0, 1.0, -1.0, 1.0), rows=12, cols=16)
    x, y = area.points.T
    assert area.boundary_is_straight((0.3 * x - y + 0.1 > 0).astype(float))
    assert not area.boundary_is_straight((x * x + y * y < 0.4).astype(float))
    assert area.boundary_is_straight(np.ones(len(x)))  # one class: the line is off the plane
    # rows run from the top (ymax) down, as the boundary renderer draws them
    assert area.points[0, 1] > area.points[-1, 1]
    assert area.image(np.arange(12 * 16)).shape == (12, 16)

"""simple-vs-deep: both models reach 95% on the slide's data; the simple one
with at most a tenth of the parameters."""

from __future__ import annotations

import numpy as np
import pytest

from tests.lessons.lesson_slides import slide_params
from tutor.lessons import simple_vs_deep as lesson
from tutor.lessons.features import SquaredFeatures
from tutor.lessons.runs import seconds_per_step, simulate
from tutor.nn.base import OptimizerConfig

SEEDS = (0, 1, 2)


@pytest.mark.parametrize("seed", SEEDS)
def test_both_reach_target_and_the_simple_model_is_tiny(seed: int) -> None:
    settings = lesson.Settings.from_params(slide_params("simple-vs-deep"))
    data = lesson.dataset(settings, seed)
    simple, deep = (lesson.row(spec.name, simulate(spec, seed), seconds_per_step(spec, seed, 20))
                    for spec in lesson.runs(settings, data))
    assert simple.accuracy >= lesson.TARGET and deep.accuracy >= lesson.TARGET
    assert simple.n_params == 3  # x^2, y^2 and a bias, as the slide's table says
    assert deep.n_params == 337
    assert simple.n_params * 10 <= deep.n_params
    assert simple.steps_to_target is not None and deep.steps_to_target is not None
    assert simple.time_to_target > 0 and deep.time_to_target > 0
    assert "both reach" in lesson.verdict([simple, deep])


def test_the_simple_model_sees_only_the_squares() -> None:
    model = SquaredFeatures(OptimizerConfig(kind="sgd", lr=0.1))
    X = np.array([[1.0, -2.0], [0.5, 3.0]], dtype=np.float32)
    assert np.array_equal(model.features(X), X * X)
    # the same probability for (x, y) and its mirror images
    mirrored = X * np.array([-1.0, -1.0], dtype=np.float32)
    model.params = {"W0": np.array([[0.3], [-0.7]], np.float32), "b0": np.array([0.1], np.float32)}
    assert np.allclose(model.predict(X), model.predict(mirrored))

"""Softmax: sums to 1, and tends to the arg-max when cold and uniform when hot."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from tutor.content.demos import parse_demo
from tutor.lessons.softmax import NEAR, Settings, argmax_limit, softmax, uniform_limit, verdict

# The slide's scores, and two more settings (ties, negatives, a wide spread).
SETTINGS = [(2.0, 1.0, 0.1), (-3.0, 0.5, 0.5, 4.0), (10.0, -10.0, 0.0, 1.0, 2.0)]


@pytest.mark.parametrize("scores", SETTINGS)
def test_probabilities_sum_to_one_and_keep_the_order(scores: tuple[float, ...]) -> None:
    for temperature in (0.01, 0.3, 1.0, 5.0, 100.0):
        p = softmax(scores, temperature)
        assert p.sum() == pytest.approx(1.0) and (p >= 0).all()
        order = np.argsort(scores, kind="stable")
        assert (np.diff(p[order]) >= -1e-15).all()


@pytest.mark.parametrize("scores", SETTINGS)
def test_low_temperature_approaches_the_argmax(scores: tuple[float, ...]) -> None:
    gaps = [np.abs(softmax(scores, t) - argmax_limit(scores)).max() for t in (1.0, 0.3, 0.1, 0.01)]
    assert all(a >= b for a, b in pairwise(gaps))
    assert gaps[-1] < 1e-6 and "arg-max" in verdict(scores, 0.01)


@pytest.mark.parametrize("scores", SETTINGS)
def test_high_temperature_approaches_uniform(scores: tuple[float, ...]) -> None:
    temperatures = (1.0, 5.0, 30.0, 100.0)
    gaps = [np.abs(softmax(scores, t) - uniform_limit(scores)).max() for t in temperatures]
    assert all(a >= b for a, b in pairwise(gaps))
    assert gaps[-1] < NEAR and "uniform" in verdict(scores, 100.0)


def test_huge_scores_do_not_overflow() -> None:
    p = softmax((20.0, -20.0), 0.01)  # 2000 / -2000 before the shift
    assert np.isfinite(p).all() and p[0] == pytest.approx(1.0)


def test_settings_come_from_the_slide() -> None:
    settings = Settings.from_demo(parse_demo("softmax scores=2,1,0.1 temperature=1"))
    assert settings == Settings((2.0, 1.0, 0.1), 1.0)
    assert "top score leads with 66%" in verdict(settings.scores, settings.temperature)

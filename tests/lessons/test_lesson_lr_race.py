"""lr-race: at the slide's rates the middle one gets lowest, the largest
diverges (reported as such, never an exception)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.lessons.lesson_slides import slide_params
from tutor.lessons import lr_race as lesson
from tutor.lessons.runs import simulate

SEEDS = (0, 1, 2)


@pytest.mark.parametrize("seed", SEEDS)
def test_middle_rate_wins_largest_diverges(seed: int) -> None:
    settings = lesson.Settings.from_params(slide_params("lr-race"))
    assert settings.rates == (0.01, 0.3, 1.1)
    data = lesson.dataset(settings, seed)
    snapshots = [simulate(spec, seed) for spec in lesson.runs(settings, data)]
    small, middle, large = lesson.lanes(settings.rates, snapshots)
    assert middle.verdict == "lowest"
    assert middle.final_loss < small.final_loss
    assert small.verdict == "crawls"
    assert large.verdict == "diverges" and snapshots[2].state == "diverged"
    assert snapshots[2].step < settings.steps  # stopped, not crashed
    assert lesson.shown([small, middle, large])
    assert lesson.label(large) == "η 1.1 diverges"
    assert "0.98, 0.4, -1.2" in lesson.factors_text(settings.rates)


def test_the_valley_matches_the_slide() -> None:
    """Whitened inputs: every direction has slope 2(w - w*), so one step
    multiplies the distance to the bottom by 1 - 2 lr, the slide's factors."""
    settings = lesson.Settings()
    data = lesson.dataset(settings, 0)
    X = np.asarray(data.X_train, dtype=np.float64)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(np.cov(X.T, bias=True), np.eye(2), atol=1e-5)
    assert [lesson.factor(r) for r in settings.rates] == pytest.approx([0.98, 0.4, -1.2])


def test_a_rate_past_the_bottom_that_settles_overshoots() -> None:
    settings = lesson.Settings(rates=(0.01, 0.3, 0.8))
    data = lesson.dataset(settings, 0)
    race = lesson.lanes(settings.rates, [simulate(s, 0) for s in lesson.runs(settings, data)])
    assert [lane.verdict for lane in race] == ["crawls", "lowest", "overshoots"]

"""overfitting: on the slide's small noisy set, validation loss turns up
(>= 1.2x its minimum at the end) while training loss keeps falling."""

from __future__ import annotations

import pytest

from tests.lessons.lesson_slides import slide_params
from tutor.lessons import overfitting as lesson
from tutor.lessons.runs import simulate

SEEDS = (0, 1, 2)


@pytest.mark.parametrize("seed", SEEDS)
def test_validation_turns_up_while_training_falls(seed: int) -> None:
    settings = lesson.Settings.from_params(slide_params("overfitting"))
    assert (settings.points, settings.noise, settings.hidden) == (40, 0.3, (64, 64))
    data = lesson.dataset(settings, seed)
    assert data.n_train == 40
    final = simulate(lesson.run(settings, data), seed)
    result = lesson.measure(final)
    assert result is not None
    assert result.best_step < final.step
    assert result.final_val >= lesson.RISE * result.best_val
    assert result.final_train < result.train_at_best
    assert result.shown
    assert f"step {result.best_step}" in lesson.describe(result)


def test_best_so_far_keeps_the_lowest_validation_snapshot() -> None:
    settings = lesson.Settings()
    data = lesson.dataset(settings, 0)
    spec = lesson.run(settings, data)
    keeper = lesson.BestSoFar()
    snapshots = [simulate(spec, 0, steps=n) for n in (0, 100, 1000)]
    for snapshot in snapshots:
        keeper.offer(snapshot)
    best = min(snapshots, key=lambda s: s.val_loss[-1])
    assert keeper.best is best
    keeper.offer(snapshots[0])  # a reset run starts again from step 0
    assert keeper.best is snapshots[0]

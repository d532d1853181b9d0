"""step-training: the numbers of one step are the real ones: the update is
exactly -lr x gradient under plain SGD, and a small step lowers the loss."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tests.lessons.lesson_slides import slide_params
from tutor.lessons import step_training as lesson
from tutor.lessons.runs import simulate

SEEDS = (0, 1, 2)


@pytest.mark.parametrize("seed", SEEDS)
def test_update_is_lr_times_gradient(seed: int) -> None:
    settings = lesson.Settings.from_params(slide_params("step-training"))
    assert settings.lr == 0.5 and settings.sizes == (2, 8, 1)
    data = lesson.dataset(settings, seed)
    model = lesson.run(settings, data).build(seed)
    before = model.params
    _, grads = model.loss_and_grads(data.X_train, data.y_train)
    model.step(data.X_train, data.y_train)
    after = model.params
    for name, grad in grads.items():
        np.testing.assert_allclose(after[name] - before[name], -settings.lr * grad,
                                   rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_small_step_lowers_the_loss(seed: int) -> None:
    settings = dataclasses.replace(
        lesson.Settings.from_params(slide_params("step-training")), lr=0.01)
    data = lesson.dataset(settings, seed)
    model = lesson.run(settings, data).build(seed)
    report = lesson.take_step(model, data.X_train, data.y_train, data.X_val, int(data.y_val[0]))
    assert report.loss_after < report.loss
    assert report.layers == 2
    np.testing.assert_allclose(report.update_norms, np.multiply(report.grad_norms, 0.01),
                               rtol=1e-3)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_screen_shows_the_same_step(seed: int) -> None:
    """The report the widget builds from two snapshots equals the one taken
    on the model itself."""
    settings = lesson.Settings.from_params(slide_params("step-training"))
    data = lesson.dataset(settings, seed)
    spec = lesson.run(settings, data)
    after = simulate(spec, seed, steps=1)
    shown = lesson.report_between(simulate(spec, seed, steps=0), after, data)
    direct = lesson.take_step(spec.build(seed), data.X_train, data.y_train, data.X_val,
                              int(data.y_val[0]))
    assert shown is not None
    assert shown.step == direct.step == 1
    assert shown.label == direct.label and shown.example == direct.example
    assert shown.predicted == pytest.approx(direct.predicted, rel=1e-5)
    assert shown.loss == pytest.approx(direct.loss, rel=1e-5)
    np.testing.assert_allclose(shown.grad_norms, direct.grad_norms, rtol=1e-4)
    np.testing.assert_allclose(shown.update_norms, direct.update_norms, rtol=1e-4)
    np.testing.assert_allclose(shown.update_norms, np.multiply(shown.grad_norms, settings.lr),
                               rtol=1e-3)
    assert lesson.LossAt(settings, data)(after.params) == pytest.approx(direct.loss_after,
                                                                        rel=1e-5)
    text = "\n".join(lesson.describe(direct))
    assert f"{direct.loss:.4f}" in text and f"{direct.loss_after:.4f}" in text


@pytest.mark.parametrize("seed", SEEDS)
def test_running_learns_the_data(seed: int) -> None:
    settings = lesson.Settings.from_params(slide_params("step-training"))
    data = lesson.dataset(settings, seed)
    final = simulate(lesson.run(settings, data), seed)
    assert final.state == "done"
    assert final.val_accuracy >= 0.95
    assert final.train_loss[-1] < 0.25 * final.train_loss[0]

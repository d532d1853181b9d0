"""The trainer driving the real MLP (numba kernels, GIL released)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tutor.nn.trainer import Trainer

mlp = pytest.importorskip("tutor.nn.models.mlp")
from tutor.nn.base import OptimizerConfig  # noqa: E402
from tutor.nn.datasets import moons, tabular_linear  # noqa: E402


def _count_for(seconds: float) -> int:
    iterations = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        iterations += 1
    return iterations


def test_ui_thread_keeps_its_speed_while_the_mlp_trains():
    """The kernels release the GIL: a pure-Python loop in this thread runs about
    as fast during training as without it. (If a step held the GIL, this thread
    would get at most a switch interval, 5 ms, between two 10 ms steps.)"""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3000, 2)).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)

    class Split:
        X_train, y_train, X_val, y_val = X, y, X[:0], y[:0]

    model = mlp.MLP(mlp.MLPConfig(sizes=(2,) + (128,) * 5 + (1,), activation="relu"), seed=0)
    model.step(X, y)  # load the kernels before timing (a step takes some ms)
    trainer = Trainer(model, Split(), batch_size=3000, steps_per_chunk=5, eval_every=10**9)
    try:
        ratios = []
        for _ in range(3):  # alternate windows so machine noise hits both
            alone = _count_for(0.15)
            trainer.start()
            during = _count_for(0.15)
            trainer.pause()
            ratios.append(during / alone)
        assert trainer.snapshot().step > 0
        # A GIL-holding 10 ms step measures about 0.5 here; released, about 1.
        assert np.median(ratios) > 0.7, ratios
    finally:
        trainer.stop()


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_too_large_lr_diverges_without_raising(seed):
    data = tabular_linear(n=200, task="regression", seed=seed)
    config = mlp.MLPConfig(
        sizes=(5, 16, 16, 1), activation="tanh", loss="mse",
        optimizer=OptimizerConfig("sgd", lr=10.0),
    )
    trainer = Trainer(mlp.MLP(config, seed=seed), data, batch_size=32, steps_per_chunk=20,
                      max_steps=5000)
    try:
        trainer.start()
        deadline = time.perf_counter() + 10
        while trainer.snapshot().state == "running" and time.perf_counter() < deadline:
            time.sleep(0.005)
        snap = trainer.snapshot()
        assert snap.state == "diverged" and snap.error is None
        assert snap.step < 5000
        # The learner lowers the rate and starts again: training works.
        trainer.set_lr(0.01)
        trainer.reset()
        deadline = time.perf_counter() + 10
        while trainer.snapshot().step < 200 and time.perf_counter() < deadline:
            time.sleep(0.005)
        assert trainer.snapshot().state == "running"
        assert np.all(np.isfinite(trainer.snapshot().train_loss))
    finally:
        trainer.stop()


def test_real_mlp_learns_moons_with_live_settings():
    data = moons(n=300, seed=0)
    config = mlp.MLPConfig(sizes=(2, 16, 16, 1), activation="tanh", dropout=0.1)
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 9), np.linspace(-2, 2, 9)), -1).reshape(-1, 2)
    trainer = Trainer(mlp.MLP(config, seed=0), data, batch_size=32, steps_per_chunk=25,
                      max_steps=1500, grid=grid.astype(np.float32))
    try:
        trainer.start()
        trainer.set_lr(0.02)
        trainer.set_dropout(0.0)
        trainer.set_batch_size(64)
        deadline = time.perf_counter() + 20
        while trainer.snapshot().state == "running" and time.perf_counter() < deadline:
            time.sleep(0.01)
        snap = trainer.snapshot()
        assert snap.state == "done", snap.error
        assert (snap.lr, snap.dropout, snap.batch_size) == (0.02, 0.0, 64)
        assert snap.val_accuracy > 0.9
        assert snap.val_loss[-1] < snap.val_loss[0]
        assert snap.predictions.shape == (81,)
        assert snap.inspection["hidden_0"].shape == (60, 16)
    finally:
        trainer.stop()

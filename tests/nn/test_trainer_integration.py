"""The trainer driving the real engine models (numba kernels, GIL released)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tutor.nn import warmup
from tutor.nn.base import OptimizerConfig
from tutor.nn.datasets import moons, tabular_linear
from tutor.nn.models import mlp
from tutor.nn.trainer import Snapshot, Trainer

SCHEDSTAT = Path("/proc/thread-self/schedstat")

HANG_GUARD_S = 120
"""Only against a hang. Kernels are compiled before the tests (below), so no
wait includes a compile: on two busy cores a cold compile can take minutes."""


@pytest.fixture(scope="module", autouse=True)
def kernels_ready() -> None:
    """Every kernel group compiled (or loaded) in this process, without a time limit."""
    warmup.warm_up()


def wait_for(trainer: Trainer, predicate: Callable[[Snapshot], bool]) -> Snapshot:
    """Poll snapshots until `predicate` holds (the deadline only guards against a hang)."""
    deadline = time.perf_counter() + HANG_GUARD_S
    while not predicate(trainer.snapshot()):
        assert time.perf_counter() < deadline, f"hung in state {trainer.snapshot().state}"
        time.sleep(0.005)
    return trainer.snapshot()


def settle(trainer: Trainer) -> Snapshot:
    """Wait until training ends by itself (done, diverged, error)."""
    return wait_for(trainer, lambda s: s.state in ("done", "diverged", "error"))


def _busy_loop_blocked_share(seconds: float) -> tuple[float, int]:
    """Run a pure-Python loop in this thread for `seconds`; return the share of
    that time the thread was blocked, and the loop iterations done.

    Linux's schedstat gives the thread's time on a CPU and its time waiting
    in the run queue; whatever is left of the wall time the thread slept,
    and a busy loop only sleeps while it waits for the GIL. Unlike counting
    iterations alone, this is not fooled by other processes busy on the
    machine (they cause run-queue waits, not sleep).
    """
    def on_cpu_and_queued() -> float:
        on_cpu_ns, queued_ns, _ = SCHEDSTAT.read_text().split()
        return (int(on_cpu_ns) + int(queued_ns)) * 1e-9

    iterations = 0
    accounted = on_cpu_and_queued()
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        iterations += 1
    wall = time.perf_counter() - started
    return 1.0 - (on_cpu_and_queued() - accounted) / wall, iterations


def _blocked_share_while_training(model, X, y) -> float:
    class Split:
        X_train, y_train, X_val, y_val = X, y, X[:0], y[:0]

    trainer = Trainer(lambda seed: model, Split(), batch_size=len(X), steps_per_chunk=5,
                      eval_every=10**9)
    try:
        assert trainer.start().wait(HANG_GUARD_S)
        shares = []
        for _ in range(3):
            share, iterations = _busy_loop_blocked_share(0.1)
            assert iterations > 0
            shares.append(share)
        assert trainer.pause().wait(HANG_GUARD_S)
        assert trainer.snapshot().step > 0 and trainer.snapshot().state == "paused"
        return float(np.median(shares))
    finally:
        trainer.stop()
        trainer.join(HANG_GUARD_S)


def _xor_batch(n: int) -> tuple[np.ndarray, np.ndarray]:
    X = np.random.default_rng(0).standard_normal((n, 2)).astype(np.float32)
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)


@pytest.mark.skipif(not SCHEDSTAT.exists(), reason="needs Linux schedstat")
def test_the_ui_thread_runs_python_while_the_mlp_trains():
    """The MLP kernels release the GIL: a busy Python loop in this thread is
    (almost) never blocked while the trainer thread takes ~10 ms steps."""
    X, y = _xor_batch(3000)
    model = mlp.MLP(mlp.MLPConfig(sizes=(2,) + (128,) * 5 + (1,), activation="relu"), seed=0)
    model.step(X, y)  # kernels loaded before measuring
    assert _blocked_share_while_training(model, X, y) < 0.15


@pytest.mark.skipif(not SCHEDSTAT.exists(), reason="needs Linux schedstat")
def test_the_measure_sees_a_step_that_holds_the_gil():
    """Control: a step that keeps the GIL (a long builtin call) blocks the loop.

    The call is long (~0.2 s idle) so that the GIL is held nearly all the time
    whatever the scheduler does: under load, the loop's own turns with the
    GIL stretch in wall time and a short hold would be hidden by them."""

    class GilHolding(mlp.MLP):
        def step(self, X, y):
            sum(range(15_000_000))  # one C call that never lets go of the GIL
            return super().step(X, y)

    X, y = _xor_batch(64)
    model = GilHolding(mlp.MLPConfig(sizes=(2, 4, 1)), seed=0)
    assert _blocked_share_while_training(model, X, y) > 0.25


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_too_large_lr_diverges_without_raising(seed):
    data = tabular_linear(n=200, task="regression", seed=seed)
    config = mlp.MLPConfig(
        sizes=(5, 16, 16, 1), activation="tanh", loss="mse",
        optimizer=OptimizerConfig("sgd", lr=10.0),
    )
    trainer = Trainer(lambda seed: mlp.MLP(config, seed=seed), data, batch_size=32,
                      steps_per_chunk=20, max_steps=5000, seed=seed)
    try:
        trainer.start()
        settle(trainer)
        snap = trainer.snapshot()
        assert snap.state == "diverged" and snap.error is None
        assert snap.step < 5000
        # The learner lowers the rate and starts again: training works.
        trainer.set_lr(0.01)
        assert trainer.reset().wait(HANG_GUARD_S)
        snap = wait_for(trainer, lambda s: s.step >= 200)
        assert snap.state == "running"
        assert np.all(np.isfinite(snap.train_loss))
    finally:
        trainer.stop()
        trainer.join(HANG_GUARD_S)


def test_real_mlp_learns_moons_with_live_settings():
    data = moons(n=300, seed=0)
    config = mlp.MLPConfig(sizes=(2, 16, 16, 1), activation="tanh", dropout=0.1)
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 9), np.linspace(-2, 2, 9)), -1).reshape(-1, 2)
    trainer = Trainer(lambda seed: mlp.MLP(config, seed=seed), data, batch_size=32,
                      steps_per_chunk=25, max_steps=1500, grid=grid.astype(np.float32))
    try:
        trainer.start()
        trainer.set_lr(0.02)
        trainer.set_dropout(0.0)
        trainer.set_batch_size(64)
        settle(trainer)
        snap = trainer.snapshot()
        assert snap.state == "done", snap.error
        assert (snap.lr, snap.dropout, snap.batch_size) == (0.02, 0.0, 64)
        assert snap.val_accuracy > 0.9
        assert snap.val_loss[-1] < snap.val_loss[0]
        assert snap.predictions.shape == (81,)
        assert snap.inspection["hidden_0"].shape == (60, 16)
    finally:
        trainer.stop()
        trainer.join(HANG_GUARD_S)


def _lesson_setup(name: str):
    """(model factory, dataset) of one engine model on the dataset of its lessons."""
    from tutor.nn.datasets import attention_task, lag_sequences, shapes, spiral
    from tutor.nn.models.attention import TinyAttention, TinyAttentionConfig
    from tutor.nn.models.cnn import TinyCNN, TinyCNNConfig
    from tutor.nn.models.logistic import LogisticRegression, LogisticRegressionConfig
    from tutor.nn.models.sequence import SequenceClassifier, SequenceClassifierConfig

    if name == "mlp":
        config = mlp.MLPConfig(sizes=(2, 16, 3), loss="cross_entropy")
        return lambda seed: mlp.MLP(config, seed), spiral(n=150)
    if name == "logistic":
        return (lambda seed: LogisticRegression(LogisticRegressionConfig(n_classes=3), seed),
                spiral(n=150))
    if name == "cnn":
        return lambda seed: TinyCNN(TinyCNNConfig(), seed), shapes(n=120)
    if name in ("rnn", "gru", "lstm"):
        cell = SequenceClassifierConfig(cell=name)
        return lambda seed: SequenceClassifier(cell, seed), lag_sequences(n=120)
    data = attention_task("previous", n=120)
    if name == "attention-last":  # one label per sequence
        data = dataclasses.replace(data, y_train=data.y_train[:, -1], y_val=data.y_val[:, -1])
        return lambda seed: TinyAttention(TinyAttentionConfig(target="last"), seed), data
    return lambda seed: TinyAttention(TinyAttentionConfig(), seed), data


@pytest.mark.parametrize(
    "name", ["mlp", "logistic", "cnn", "rnn", "gru", "lstm", "attention", "attention-last"]
)
def test_every_model_trains_under_the_trainer(name):
    build, data = _lesson_setup(name)
    trainer = Trainer(build, data, batch_size=16, steps_per_chunk=10, max_steps=60)
    try:
        trainer.start()
        settle(trainer)
        snap = trainer.snapshot()
        assert snap.state == "done", snap.error
        assert snap.step == 60 and np.all(np.isfinite(snap.train_loss))
        assert list(snap.eval_steps) == [0, 10, 20, 30, 40, 50, 60]
        assert 0.0 <= snap.val_accuracy <= 1.0 and snap.inspection
        trainer.pause()  # else the reset run starts training at once
        assert trainer.reset(seed=1).wait(HANG_GUARD_S)
        assert trainer.snapshot().step == 0 and trainer.snapshot().state == "paused"
    finally:
        trainer.stop()
        trainer.join(HANG_GUARD_S)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exploding_classification_loss_counts_as_diverged(seed):
    """Cross-entropy rarely overflows to NaN; a loss 100x its start is diverged
    too, while a good learning rate on the same data never trips the rule."""
    data = moons(n=300, seed=seed)

    def run(lr: float) -> str:
        config = mlp.MLPConfig(sizes=(2, 16, 16, 1), activation="tanh",
                               optimizer=OptimizerConfig("sgd", lr=lr))
        trainer = Trainer(lambda seed: mlp.MLP(config, seed=seed), data, batch_size=1000,
                          steps_per_chunk=50, max_steps=300, seed=seed)
        try:
            trainer.start()
            settle(trainer)
            return trainer.snapshot().state
        finally:
            trainer.stop()
            trainer.join(HANG_GUARD_S)

    assert run(50.0) == "diverged"
    assert run(0.5) == "done"

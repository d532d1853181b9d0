"""The trainer's threading and control semantics, on a tiny numpy model.

The fake model below is plain numpy (no numba), so these tests say nothing
about the real kernels; `test_trainer_integration.py` runs the real MLP.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import pytest

from tutor.nn.snapshot import Curve
from tutor.nn.trainer import Snapshot, Trainer


@dataclass(frozen=True)
class FakeConfig:
    n_features: int = 2
    lr: float = 0.1
    dropout: float = 0.0
    ballast: int = 0  # side of a square matmul done per step (BLAS releases the GIL)
    fail_at_step: int | None = None


class FakeModel:
    """Logistic regression with the model API; records what it was called with."""

    def __init__(self, config: FakeConfig, seed: int = 0) -> None:
        self.config = config
        rng = np.random.default_rng(seed)
        self.w = rng.normal(size=config.n_features)
        self.b = 0.0
        self.lr = config.lr
        self.dropout = config.dropout
        self.steps = 0
        self.lr_seen: list[float] = []
        self.batch_sizes_seen: list[int] = []
        self.step_threads: set[str] = set()
        self._ballast = np.ones((config.ballast, config.ballast)) / max(config.ballast, 1)

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {"w": self.w.copy(), "b": np.array([self.b])}

    @params.setter
    def params(self, values: dict[str, np.ndarray]) -> None:
        self.w = np.array(values["w"], dtype=float)
        self.b = float(np.asarray(values["b"])[0])

    @property
    def n_params(self) -> int:
        return self.w.size + 1

    def predict(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(X @ self.w + self.b)))

    def loss_and_grads(self, X, y, train: bool = False):
        p = np.clip(self.predict(X), 1e-12, 1 - 1e-12)
        loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
        residual = (p - y) / len(y)
        return loss, {"w": X.T @ residual, "b": np.array([residual.sum()])}

    def step(self, X, y) -> float:
        if self.config.fail_at_step is not None and self.steps == self.config.fail_at_step:
            raise RuntimeError("kernel exploded")
        if self.config.ballast:
            self._ballast @ self._ballast
        self.step_threads.add(threading.current_thread().name)
        self.lr_seen.append(self.lr)
        self.batch_sizes_seen.append(len(X))
        loss, grads = self.loss_and_grads(X, y, train=True)
        self.w -= self.lr * grads["w"]
        self.b -= self.lr * float(grads["b"][0])
        self.steps += 1
        # A huge learning rate makes the weights overflow: report it as NaN like a kernel would.
        return loss if np.all(np.isfinite(self.w)) and abs(self.b) < 1e300 else math.nan

    def accuracy(self, X, y) -> float:
        return float(np.mean((self.predict(X) > 0.5) == y))

    def inspect(self, X) -> dict[str, np.ndarray]:
        return {"logits": X @ self.w + self.b, "grad_norm_per_layer": np.array([1.0])}


@dataclass
class Split:
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray


def blobs(n: int = 200, seed: int = 0) -> Split:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n).astype(float)
    X = rng.normal(size=(n, 2)) + 2.0 * (y[:, None] - 0.5)
    return Split(X[: n // 2], y[: n // 2], X[n // 2 :], y[n // 2 :])


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        assert time.perf_counter() < deadline, "timed out"
        time.sleep(0.002)


@pytest.fixture
def make_trainer():
    trainers: list[Trainer] = []

    def make(config: FakeConfig = FakeConfig(), **kwargs) -> Trainer:
        options = {"batch_size": 16, "steps_per_chunk": 5} | kwargs
        trainer = Trainer(FakeModel(config), blobs(), **options)
        trainers.append(trainer)
        return trainer

    yield make
    for trainer in trainers:
        trainer.stop()


def test_starts_idle_without_a_thread(make_trainer):
    trainer = make_trainer()
    snap = trainer.snapshot()
    assert (snap.step, snap.state) == (0, "idle")
    assert not trainer.alive
    assert snap.lr == pytest.approx(0.1) and snap.batch_size == 16 and snap.dropout == 0.0


def test_trains_in_a_background_thread_and_learns(make_trainer):
    trainer = make_trainer(max_steps=400)
    trainer.start()
    wait_until(lambda: trainer.snapshot().state == "done")
    snap = trainer.snapshot()
    assert snap.step == 400
    assert trainer._model.step_threads == {"dltutor-trainer"}
    assert snap.train_loss[-1] < snap.train_loss[0]
    assert snap.val_accuracy > 0.8 and snap.train_accuracy > 0.8
    assert len(snap.loss_steps) == len(snap.train_loss) and snap.loss_steps[-1] == 400
    assert len(snap.eval_steps) == len(snap.val_loss) == len(snap.val_accuracy_curve)
    assert snap.eval_steps[0] == 0 and snap.eval_steps[-1] == 400
    assert set(snap.inspection) == {"logits", "grad_norm_per_layer"}
    assert set(snap.params) == {"w", "b"}
    assert snap.wall_time > 0 and snap.steps_per_second > 0


def test_pause_freezes_and_resume_continues(make_trainer):
    trainer = make_trainer()
    trainer.start()
    wait_until(lambda: trainer.snapshot().step >= 20)
    trainer.pause()
    paused = trainer.snapshot()
    assert paused.state == "paused"
    time.sleep(0.05)
    assert trainer.snapshot().step == paused.step
    assert trainer._model.steps == paused.step
    trainer.resume()
    assert trainer.snapshot().state == "running"
    wait_until(lambda: trainer.snapshot().step > paused.step)


def test_step_once_takes_exactly_one_step_and_pauses(make_trainer):
    trainer = make_trainer(eval_every=1000)
    trainer.step_once()
    snap = trainer.snapshot()
    assert (snap.step, snap.state) == (1, "paused")
    assert snap.eval_steps[-1] == 1  # a hand step always refreshes the graphics
    trainer.step_once()
    trainer.step_once()
    assert trainer.snapshot().step == 3
    trainer.start()
    wait_until(lambda: trainer.snapshot().step > 10)
    trainer.step_once()  # while running: pause, then one more step
    snap = trainer.snapshot()
    assert snap.state == "paused"
    time.sleep(0.03)
    assert trainer.snapshot().step == snap.step


def test_set_lr_and_batch_size_apply_between_steps(make_trainer):
    trainer = make_trainer()
    trainer.step_once()
    trainer.set_lr(0.5)
    trainer.set_batch_size(32)
    assert trainer.snapshot().lr == 0.5 and trainer.snapshot().batch_size == 32
    trainer.step_once()
    model = trainer._model
    assert model.lr_seen == [0.1, 0.5]
    assert model.batch_sizes_seen == [16, 32]
    trainer.set_batch_size(10_000)  # more than the split: full batch
    trainer.step_once()
    assert model.batch_sizes_seen[-1] == 100


def test_settings_before_start_apply_immediately(make_trainer):
    trainer = make_trainer()
    trainer.set_lr(0.02)
    trainer.set_dropout(0.3)
    snap = trainer.snapshot()
    assert (snap.lr, snap.dropout, snap.state) == (0.02, 0.3, "idle")
    assert not trainer.alive


def test_invalid_settings_raise_in_the_caller(make_trainer):
    trainer = make_trainer()
    with pytest.raises(ValueError):
        trainer.set_lr(-1.0)
    with pytest.raises(ValueError):
        trainer.set_lr(math.nan)
    with pytest.raises(ValueError):
        trainer.set_batch_size(0)
    with pytest.raises(ValueError):
        trainer.set_dropout(1.0)
    with pytest.raises(ValueError):
        trainer.set_cpu_share(0.0)


def test_minibatches_cover_the_split_each_epoch(make_trainer):
    trainer = make_trainer(batch_size=25)
    seen: list[np.ndarray] = []
    model = trainer._model
    original_step = model.step
    model.step = lambda X, y: (seen.append(X.copy()), original_step(X, y))[1]
    for _ in range(4):
        trainer.step_once()
    epoch = np.concatenate(seen)
    assert epoch.shape == (100, 2)
    assert np.unique(epoch, axis=0).shape[0] == 100  # every point once: a permutation


def test_reset_without_seed_replays_the_same_run(make_trainer):
    trainer = make_trainer(max_steps=30)
    initial = trainer._model.params
    trainer.start()
    wait_until(lambda: trainer.snapshot().state == "done")
    first = trainer.snapshot()
    trainer.pause()
    trainer.reset()
    snap = trainer.snapshot()
    assert (snap.step, snap.state, len(snap.train_loss)) == (0, "paused", 0)
    np.testing.assert_array_equal(trainer._model.params["w"], initial["w"])
    trainer.start()
    wait_until(lambda: trainer.snapshot().state == "done")
    np.testing.assert_array_equal(trainer.snapshot().train_loss, first.train_loss)


def test_reset_while_running_keeps_running(make_trainer):
    trainer = make_trainer(max_steps=100_000)
    trainer.start()
    wait_until(lambda: trainer.snapshot().step >= 2000)
    trainer.reset()
    snap = trainer.snapshot()
    assert snap.state == "running" and snap.step < 2000
    wait_until(lambda: trainer.snapshot().step > snap.step)


def test_reset_with_seed_keeps_settings_and_draws_new_weights(make_trainer):
    trainer = make_trainer()
    trainer.step_once()
    trainer.set_lr(0.25)
    before = trainer._model.params["w"]
    trainer.reset(seed=7)
    snap = trainer.snapshot()
    assert (snap.step, snap.state, snap.lr) == (0, "paused", 0.25)
    assert not np.array_equal(trainer._model.params["w"], before)
    np.testing.assert_array_equal(trainer._model.params["w"], FakeModel(FakeConfig(), seed=7).w)


def test_too_large_lr_diverges_without_raising(make_trainer):
    trainer = make_trainer(FakeConfig(lr=1e308))
    trainer.start()
    wait_until(lambda: trainer.snapshot().state == "diverged")
    snap = trainer.snapshot()
    assert snap.error is None
    assert np.all(np.isfinite(snap.train_loss))
    trainer.start()  # stays diverged until reset
    assert trainer.snapshot().state == "diverged"
    trainer.set_lr(0.1)
    trainer.reset()
    assert trainer.snapshot().state == "running"


def test_model_errors_end_up_in_the_snapshot(make_trainer):
    trainer = make_trainer(FakeConfig(fail_at_step=12))
    trainer.start()
    wait_until(lambda: trainer.snapshot().state == "error")
    snap = trainer.snapshot()
    assert "kernel exploded" in snap.error
    assert snap.step == 10  # two full chunks of 5, the third failed
    assert trainer.alive  # the thread survives and can be reset
    trainer.stop()
    assert not trainer.alive


def test_snapshots_are_immutable(make_trainer):
    trainer = make_trainer()
    trainer.step_once()
    snap = trainer.snapshot()
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.step = 5  # type: ignore[misc]
    for array in (snap.train_loss, snap.val_loss, snap.loss_steps, snap.inspection["logits"]):
        with pytest.raises(ValueError):
            array[0] = 1.0
    with pytest.raises(TypeError):
        snap.params["w"] = np.zeros(2)  # type: ignore[index]
    with pytest.raises(ValueError):
        snap.params["w"][0] = 1.0
    trainer.step_once()
    assert len(snap.train_loss) == 1  # later steps do not change an old snapshot
    assert isinstance(trainer.snapshot(), Snapshot) and trainer.snapshot() is not snap


def test_snapshot_does_not_wait_for_a_slow_chunk(make_trainer):
    trainer = make_trainer(FakeConfig(ballast=400), steps_per_chunk=200)
    trainer.start()
    time.sleep(0.02)
    started = time.perf_counter()
    for _ in range(100):
        trainer.snapshot()
    assert time.perf_counter() - started < 0.05


def test_throttle_limits_the_share_of_a_core(make_trainer):
    def steps_per_second(share: float) -> float:
        """Steps over elapsed time as seen from outside, not the trainer's own clock."""
        trainer = make_trainer(FakeConfig(ballast=120), steps_per_chunk=5, cpu_share=share)
        started = time.perf_counter()
        trainer.start()
        time.sleep(0.4)
        trainer.pause()
        elapsed = time.perf_counter() - started
        steps = trainer.snapshot().step
        trainer.stop()
        assert steps > 0
        return steps / elapsed

    full = steps_per_second(1.0)
    quarter = steps_per_second(0.25)
    assert quarter < 0.5 * full


def test_max_steps_ends_in_done_with_a_final_evaluation(make_trainer):
    trainer = make_trainer(max_steps=12, eval_every=100)
    trainer.start()
    wait_until(lambda: trainer.snapshot().state == "done")
    snap = trainer.snapshot()
    assert snap.step == 12
    assert list(snap.eval_steps) == [0, 12]
    trainer.resume()
    assert trainer.snapshot().state == "done" and trainer.snapshot().step == 12


def test_grid_predictions_are_published(make_trainer):
    grid = np.stack(np.meshgrid(np.linspace(-3, 3, 5), np.linspace(-3, 3, 5)), -1).reshape(-1, 2)
    trainer = make_trainer(grid=grid)
    trainer.step_once()
    assert trainer.snapshot().predictions.shape == (25,)


def test_stop_joins_and_later_commands_are_ignored(make_trainer):
    trainer = make_trainer()
    trainer.start()
    trainer.stop()
    assert not trainer.alive
    trainer.pause()  # no error: the screen may still send one while closing
    trainer.stop()


def test_curve_keeps_bounded_size_and_shape():
    curve = Curve(capacity=8)
    for step in range(1, 101):
        curve.add(step, float(step))
    steps, values = curve.published()
    assert len(steps) <= 8
    assert steps[-1] <= 100 and np.all(np.diff(steps) > 0)
    assert np.all(np.diff(values) > 0)
    assert values[-1] == pytest.approx(np.mean(np.arange(1, 101)[steps[-2] : steps[-1]]))

"""The trainer's threading and control semantics, on a tiny numpy model.

The fake model below is plain numpy (no numba), so these tests say nothing
about the real kernels; `test_trainer_integration.py` runs the real MLP.
Nothing here is timed: tests wait on tickets and on published snapshots,
with generous timeouts that only guard against hangs (the suite must pass
with every core busy).
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from tutor.nn import compiling, warmup
from tutor.nn.snapshot import Curve
from tutor.nn.trainer import Snapshot, Trainer, TrainerStopped

WAIT_S = 60.0
"""Longest a test waits for something that should happen soon."""


@dataclass(frozen=True)
class FakeConfig:
    n_features: int = 2
    lr: float = 0.1
    dropout: float | None = 0.0  # None: a model without dropout
    spin: int = 0  # pure-Python loop iterations per step (CPU time on this thread)
    fail_at_step: int | None = None
    gate: Gate | None = None  # steps wait for the test to let them through


@dataclass(eq=False)
class Gate:
    """Lets a test hold the fake model in the middle of a step."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class FakeModel:
    """Logistic regression with the model API; records what it was called with."""

    def __init__(self, config: FakeConfig, seed: int = 0) -> None:
        self.config = config
        rng = np.random.default_rng(seed)
        self.w = rng.normal(size=config.n_features)
        self.b = 0.0
        self.lr = config.lr
        if config.dropout is not None:
            self.dropout = config.dropout
        self.steps = 0
        self.lr_seen: list[float] = []
        self.batch_sizes_seen: list[int] = []
        self.step_threads: set[str] = set()
        self.params_after: dict[int, dict[str, np.ndarray]] = {0: self.params}

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
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-(X @ self.w + self.b)))

    def loss_and_grads(self, X, y, train: bool = False):
        p = np.clip(self.predict(X), 1e-12, 1 - 1e-12)
        loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
        residual = (p - y) / len(y)
        return loss, {"w": X.T @ residual, "b": np.array([residual.sum()])}

    def step(self, X, y) -> float:
        config = self.config
        if config.fail_at_step is not None and self.steps == config.fail_at_step:
            raise RuntimeError("kernel exploded")
        if config.gate is not None:
            config.gate.entered.set()
            assert config.gate.release.wait(WAIT_S), "the test never released the step"
        for _ in range(config.spin):
            pass
        self.step_threads.add(threading.current_thread().name)
        self.lr_seen.append(self.lr)
        self.batch_sizes_seen.append(len(X))
        loss, grads = self.loss_and_grads(X, y, train=True)
        self.w -= self.lr * grads["w"]
        self.b -= self.lr * float(grads["b"][0])
        self.steps += 1
        self.params_after[self.steps] = self.params
        # A huge learning rate makes the weights overflow: report it as NaN like a kernel would.
        return loss if np.all(np.isfinite(self.w)) and abs(self.b) < 1e300 else math.nan

    def accuracy(self, X, y) -> float:
        return float(np.mean((self.predict(X) > 0.5) == y))

    def inspect(self, X) -> dict[str, np.ndarray]:
        with np.errstate(over="ignore", invalid="ignore"):
            logits = X @ self.w + self.b
        return {"logits": logits, "grad_norm_per_layer": np.array([1.0])}


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


class Watched:
    """A trainer plus every snapshot it published, for waiting on conditions."""

    def __init__(self, config: FakeConfig, **options) -> None:
        self.published: list[Snapshot] = []
        self._cond = threading.Condition()
        self.trainer = Trainer(lambda seed: FakeModel(config, seed), blobs(),
                               on_publish=self._seen, **options)

    def _seen(self, snapshot: Snapshot) -> None:
        with self._cond:
            self.published.append(snapshot)
            self._cond.notify_all()

    def wait_for(self, predicate: Callable[[Snapshot], bool], what: str = "condition"
                 ) -> Snapshot:
        """The first published snapshot (from now on, or the latest) meeting `predicate`."""
        with self._cond:
            ok = self._cond.wait_for(lambda: predicate(self.trainer.snapshot()), WAIT_S)
        assert ok, f"timed out waiting for {what}: {self.trainer.snapshot().state}"
        return self.trainer.snapshot()

    @property
    def model(self) -> FakeModel:
        model = self.trainer._run.model
        assert isinstance(model, FakeModel)
        return model


@pytest.fixture
def make_trainer():
    made: list[Watched] = []
    gates: list[Gate] = []

    def make(config: FakeConfig = FakeConfig(), **kwargs) -> Watched:
        options = {"batch_size": 16, "steps_per_chunk": 5} | kwargs
        made.append(Watched(config, **options))
        if config.gate is not None:
            gates.append(config.gate)
        return made[-1]

    yield make
    for gate in gates:
        gate.release.set()
    for watched in made:
        watched.trainer.stop()
    for watched in made:
        assert watched.trainer.join(WAIT_S), "a trainer thread outlived its test"


def applied(ticket) -> None:
    assert ticket.wait(WAIT_S), f"command not applied: {ticket}"


def test_becomes_idle_with_the_untrained_model_on_show(make_trainer):
    watched = make_trainer()
    snap = watched.wait_for(lambda s: s.state != "preparing", "the model")
    assert (snap.step, snap.state, snap.prepare) == (0, "idle", None)
    assert snap.lr == pytest.approx(0.1) and snap.batch_size == 16 and snap.dropout == 0.0
    np.testing.assert_array_equal(snap.params["w"], FakeModel(FakeConfig()).w)
    assert list(snap.eval_steps) == [0]


def test_trains_in_a_background_thread_and_learns(make_trainer):
    watched = make_trainer(max_steps=400)
    applied(watched.trainer.start())
    snap = watched.wait_for(lambda s: s.state == "done", "the end")
    assert snap.step == 400
    assert watched.model.step_threads == {"dltutor-trainer"}
    assert snap.train_loss[-1] < snap.train_loss[0]
    assert snap.val_accuracy > 0.8 and snap.train_accuracy > 0.8
    assert len(snap.loss_steps) == len(snap.train_loss) and snap.loss_steps[-1] == 400
    assert len(snap.eval_steps) == len(snap.val_loss) == len(snap.val_accuracy_curve)
    assert snap.eval_steps[0] == 0 and snap.eval_steps[-1] == 400
    assert set(snap.inspection) == {"logits", "grad_norm_per_layer"}
    assert set(snap.params) == {"w", "b"}
    assert snap.wall_time > 0 and snap.steps_per_second > 0


def test_a_control_call_returns_while_the_worker_is_inside_a_step(make_trainer):
    gate = Gate()
    watched = make_trainer(FakeConfig(gate=gate), steps_per_chunk=1000)
    start = watched.trainer.start()
    assert gate.entered.wait(WAIT_S)
    ticket = watched.trainer.set_lr(0.5)  # returns although the step cannot finish
    assert not ticket.done and start.done
    gate.release.set()
    applied(ticket)
    snap = watched.trainer.snapshot()
    assert snap.lr == 0.5 and snap.step == 1  # answered after one step, not a chunk of 1000
    watched.wait_for(lambda s: s.step >= 2, "the next step")
    assert watched.model.lr_seen[:2] == [0.1, 0.5]


def test_pause_freezes_and_resume_continues(make_trainer):
    watched = make_trainer()
    trainer = watched.trainer
    trainer.start()
    watched.wait_for(lambda s: s.step >= 20, "20 steps")
    applied(trainer.pause())
    paused = trainer.snapshot()
    assert paused.state == "paused"
    applied(trainer.set_lr(0.2))  # a full round trip through the worker: no step came in between
    assert trainer.snapshot().step == paused.step == watched.model.steps
    applied(trainer.resume())
    assert trainer.snapshot().state == "running"
    watched.wait_for(lambda s: s.step > paused.step, "more steps")


def test_step_once_takes_exactly_one_step_and_pauses(make_trainer):
    watched = make_trainer(eval_every=1000)
    trainer = watched.trainer
    applied(trainer.step_once())
    snap = trainer.snapshot()
    assert (snap.step, snap.state) == (1, "paused")
    assert snap.eval_steps[-1] == 1  # a hand step always refreshes the graphics
    trainer.step_once()
    applied(trainer.step_once())
    assert trainer.snapshot().step == 3
    trainer.start()
    watched.wait_for(lambda s: s.step > 10, "10 steps")
    applied(trainer.step_once())  # while running: pause, then one more step
    snap = trainer.snapshot()
    assert snap.state == "paused"
    applied(trainer.set_lr(0.2))
    assert trainer.snapshot().step == snap.step


def test_set_lr_and_batch_size_apply_between_steps(make_trainer):
    watched = make_trainer()
    trainer = watched.trainer
    trainer.step_once()
    trainer.set_lr(0.5)
    applied(trainer.set_batch_size(32))
    assert trainer.snapshot().lr == 0.5 and trainer.snapshot().batch_size == 32
    applied(trainer.step_once())
    assert watched.model.lr_seen == [0.1, 0.5]
    assert watched.model.batch_sizes_seen == [16, 32]
    trainer.set_batch_size(10_000)  # more than the split: full batch
    applied(trainer.step_once())
    assert watched.model.batch_sizes_seen[-1] == 100


def test_settings_before_start_keep_the_trainer_idle(make_trainer):
    watched = make_trainer()
    watched.trainer.set_lr(0.02)
    applied(watched.trainer.set_dropout(0.3))
    snap = watched.trainer.snapshot()
    assert (snap.lr, snap.dropout, snap.state, snap.step) == (0.02, 0.3, "idle", 0)


def test_dropout_on_a_model_without_it_is_refused_on_the_ticket(make_trainer):
    watched = make_trainer(FakeConfig(dropout=None))
    ticket = watched.trainer.set_dropout(0.3)
    assert not ticket.wait(WAIT_S) and ticket.done
    assert "no dropout" in ticket.error
    assert watched.trainer.snapshot().dropout is None


def test_invalid_settings_raise_in_the_caller(make_trainer):
    trainer = make_trainer().trainer
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
    watched = make_trainer(batch_size=25)
    seen: list[np.ndarray] = []
    watched.wait_for(lambda s: s.state == "idle", "the model")
    model = watched.model
    original_step = model.step
    model.step = lambda X, y: (seen.append(X.copy()), original_step(X, y))[1]  # type: ignore[method-assign]
    for _ in range(4):
        applied(watched.trainer.step_once())
    epoch = np.concatenate(seen)
    assert epoch.shape == (100, 2)
    assert np.unique(epoch, axis=0).shape[0] == 100  # every point once: a permutation


def test_every_snapshot_shows_params_and_predictions_of_its_step(make_trainer):
    grid = np.stack(np.meshgrid(np.linspace(-3, 3, 5), np.linspace(-3, 3, 5)), -1).reshape(-1, 2)
    watched = make_trainer(grid=grid, eval_every=1000, steps_per_chunk=3, max_steps=60)
    watched.trainer.start()
    watched.wait_for(lambda s: s.state == "done", "the end")
    model = watched.model
    checked = 0
    for snap in watched.published:
        if snap.state == "preparing":
            continue
        expected = model.params_after[snap.step]
        np.testing.assert_array_equal(snap.params["w"], expected["w"])
        probe = FakeModel(FakeConfig())
        probe.params = expected
        np.testing.assert_allclose(snap.predictions, probe.predict(grid))
        checked += 1
    assert checked >= 20  # one per chunk at least, though evaluations were 1000 steps apart


def test_reset_without_seed_replays_the_same_run(make_trainer):
    watched = make_trainer(max_steps=30)
    trainer = watched.trainer
    initial = FakeModel(FakeConfig(), seed=0).params
    trainer.start()
    first = watched.wait_for(lambda s: s.state == "done", "the first run")
    trainer.pause()
    applied(trainer.reset())
    snap = trainer.snapshot()
    assert (snap.step, snap.state, len(snap.train_loss)) == (0, "paused", 0)
    np.testing.assert_array_equal(snap.params["w"], initial["w"])
    trainer.start()
    again = watched.wait_for(lambda s: s.state == "done", "the second run")
    np.testing.assert_array_equal(again.train_loss, first.train_loss)


def test_reset_while_running_keeps_running(make_trainer):
    watched = make_trainer(max_steps=100_000)
    trainer = watched.trainer
    trainer.start()
    before = watched.wait_for(lambda s: s.step >= 200, "200 steps")
    applied(trainer.reset())
    after_reset = [s for s in watched.published if s.version > before.version]
    assert any(s.step == 0 for s in after_reset)  # published before the ticket was done
    assert trainer.snapshot().state == "running"
    watched.wait_for(lambda s: s.step > 0, "steps after the reset")


def test_reset_then_step_zero_once_the_ticket_is_done(make_trainer):
    watched = make_trainer(max_steps=60)
    watched.trainer.start()
    watched.wait_for(lambda s: s.state == "done", "the end")
    watched.trainer.pause()  # else training goes on at once after the reset
    applied(watched.trainer.reset(seed=1))
    assert watched.trainer.snapshot().step == 0


def test_reset_with_seed_keeps_settings_and_draws_new_weights(make_trainer):
    watched = make_trainer()
    trainer = watched.trainer
    trainer.step_once()
    applied(trainer.set_lr(0.25))
    before = trainer.snapshot().params["w"]
    applied(trainer.reset(seed=7))
    snap = trainer.snapshot()
    assert (snap.step, snap.state, snap.lr) == (0, "paused", 0.25)
    assert not np.array_equal(snap.params["w"], before)
    np.testing.assert_array_equal(snap.params["w"], FakeModel(FakeConfig(), seed=7).w)


def test_too_large_lr_diverges_without_raising(make_trainer):
    watched = make_trainer(FakeConfig(lr=1e308))
    trainer = watched.trainer
    trainer.start()
    snap = watched.wait_for(lambda s: s.state == "diverged", "divergence")
    assert snap.error is None
    assert np.all(np.isfinite(snap.train_loss))
    applied(trainer.start())  # stays diverged until reset
    assert trainer.snapshot().state == "diverged"
    trainer.set_lr(0.1)
    applied(trainer.reset())
    assert trainer.snapshot().state == "running"


def test_model_errors_end_up_in_the_snapshot(make_trainer):
    watched = make_trainer(FakeConfig(fail_at_step=12))
    trainer = watched.trainer
    trainer.start()
    snap = watched.wait_for(lambda s: s.state == "error", "the error")
    assert "kernel exploded" in snap.error
    assert snap.step == 12  # the steps before the failing one count
    assert trainer.alive  # the thread survives and can be reset
    applied(trainer.reset(seed=3))
    assert trainer.snapshot().state == "running"


def test_a_factory_that_fails_is_reported_and_commands_are_refused(make_trainer):
    def broken(seed: int) -> FakeModel:
        raise RuntimeError("no such layer")

    trainer = Trainer(broken, blobs(), batch_size=8, steps_per_chunk=5)
    try:
        ticket = trainer.start()
        assert not ticket.wait(WAIT_S) and ticket.done
        snap = trainer.snapshot()
        assert snap.state == "error" and "no such layer" in snap.error
    finally:
        trainer.stop()
    assert trainer.join(WAIT_S)


def test_snapshots_are_immutable(make_trainer):
    watched = make_trainer()
    trainer = watched.trainer
    applied(trainer.step_once())
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
    applied(trainer.step_once())
    assert len(snap.train_loss) == 1  # later steps do not change an old snapshot
    assert isinstance(trainer.snapshot(), Snapshot) and trainer.snapshot() is not snap


def test_max_steps_ends_in_done_with_a_final_evaluation(make_trainer):
    watched = make_trainer(max_steps=12, eval_every=100)
    trainer = watched.trainer
    trainer.start()
    snap = watched.wait_for(lambda s: s.state == "done", "the end")
    assert snap.step == 12
    assert list(snap.eval_steps) == [0, 12]
    applied(trainer.resume())
    assert trainer.snapshot().state == "done" and trainer.snapshot().step == 12


def test_stop_returns_at_once_and_publishes_stopped(make_trainer):
    gate = Gate()
    watched = make_trainer(FakeConfig(gate=gate))
    trainer = watched.trainer
    trainer.start()
    assert gate.entered.wait(WAIT_S)
    queued = trainer.set_lr(0.3)
    trainer.stop()  # the worker is stuck in a step: stop still returns
    assert trainer.alive and trainer.snapshot().state == "running"
    with pytest.raises(TrainerStopped):
        trainer.start()  # refused loudly: a stopped trainer does not restart
    gate.release.set()
    assert trainer.join(WAIT_S)
    final = trainer.snapshot()
    assert final.state == "stopped" and watched.published[-1] is final
    assert final.step == watched.model.steps  # the step in flight still counts
    assert queued.done and not queued.applied and queued.error == "stopped"
    trainer.stop()  # idempotent


def test_no_thread_is_left_after_stop_and_join(make_trainer):
    trainers = [make_trainer().trainer for _ in range(3)]
    trainers[0].start()
    applied(trainers[1].step_once())
    for trainer in trainers:
        trainer.stop()
    for trainer in trainers:
        assert trainer.join(WAIT_S) and not trainer.alive
    assert not [t for t in threading.enumerate()
                if t.name.startswith("dltutor-trainer") and t.is_alive()]


class FakeKernels:
    """A warm-up group "fake-N" whose kernels compile one by one when the test says."""

    def __init__(self, monkeypatch, n: int) -> None:
        self.name = f"fake-{id(self)}"
        self.n = n
        self.turns = threading.Semaphore(0)
        monkeypatch.setitem(warmup.GROUPS, self.name, lambda: [])
        monkeypatch.setitem(warmup.EXPECTED_COMPILES, self.name, n)
        original = warmup._warm
        monkeypatch.setattr(
            warmup, "_warm",
            lambda group: self._compile() if group == self.name else original(group))

    def _compile(self) -> None:
        for _ in range(self.n):
            assert self.turns.acquire(timeout=WAIT_S)
            compiling._on_kernel_compiled()  # what numba's compile event calls


def test_preparing_shows_kernel_progress_and_keys_keep_working(make_trainer, monkeypatch):
    kernels = FakeKernels(monkeypatch, n=3)
    watched = make_trainer(kernels=[kernels.name])
    trainer = watched.trainer
    snap = watched.wait_for(lambda s: s.prepare is not None, "preparation")
    assert (snap.state, snap.prepare) == ("preparing", (0, 3))
    tickets = [trainer.set_lr(0.05), trainer.start()]  # return at once, applied later
    kernels.turns.release()
    snap = watched.wait_for(lambda s: s.prepare == (1, 3), "one kernel")
    assert snap.state == "preparing" and not any(t.done for t in tickets)
    kernels.turns.release(2)
    for ticket in tickets:
        applied(ticket)
    snap = trainer.snapshot()
    assert snap.state == "running" and snap.lr == 0.05 and snap.prepare is None
    assert compiling.is_ready(kernels.name)
    compiling.forget([kernels.name])


def test_a_second_trainer_follows_the_first_ones_preparation(make_trainer, monkeypatch):
    kernels = FakeKernels(monkeypatch, n=2)
    first = make_trainer(kernels=[kernels.name])
    first.wait_for(lambda s: s.prepare is not None, "preparation")
    second = make_trainer(kernels=[kernels.name])
    second.wait_for(lambda s: s.prepare == (0, 2), "waiting for the first")
    kernels.turns.release()
    second.wait_for(lambda s: s.prepare == (1, 2), "progress made by the other thread")
    kernels.turns.release()
    for watched in (first, second):
        watched.wait_for(lambda s: s.state == "idle", "ready")
    compiling.forget([kernels.name])


SCHEDSTAT = Path("/proc/self/task")


def _thread_cpu_seconds(native_id: int) -> float:
    """CPU time a thread of this process has used (Linux schedstat, ns)."""
    on_cpu_ns = (SCHEDSTAT / str(native_id) / "schedstat").read_text().split()[0]
    return int(on_cpu_ns) * 1e-9


@pytest.mark.skipif(not (SCHEDSTAT / str(threading.get_native_id()) / "schedstat").exists(),
                    reason="needs Linux schedstat")
def test_throttle_keeps_the_worker_within_its_cpu_share(make_trainer):
    """CPU time used over wall time, read from the kernel, stays near the share.
    A busy machine can only lower the worker's share, never raise it, so this
    upper bound holds under any load."""
    watched = make_trainer(FakeConfig(spin=20_000), steps_per_chunk=5, cpu_share=0.25)
    trainer = watched.trainer
    watched.wait_for(lambda s: s.state == "idle", "the model")
    native_id = trainer._thread.native_id
    assert native_id is not None
    cpu_before, wall_before = _thread_cpu_seconds(native_id), _monotonic()
    trainer.start()
    watched.wait_for(lambda s: s.wall_time >= 1.0, "a second of training")
    applied(trainer.pause())
    share = (_thread_cpu_seconds(native_id) - cpu_before) / (_monotonic() - wall_before)
    assert share < 0.4


def _monotonic() -> float:
    import time

    return time.monotonic()


def test_curve_keeps_bounded_size_and_shape():
    curve = Curve(capacity=8)
    for step in range(1, 101):
        curve.add(step, float(step))
    steps, values = curve.published()
    assert len(steps) <= 8
    assert steps[-1] <= 100 and np.all(np.diff(steps) > 0)
    assert np.all(np.diff(values) > 0)
    assert values[-1] == pytest.approx(np.mean(np.arange(1, 101)[steps[-2] : steps[-1]]))


def test_headless_training_publishes_what_the_trainer_would(make_trainer):
    from tutor.nn.run import train_headless

    options = {"batch_size": 16, "steps_per_chunk": 5, "eval_every": 10, "max_steps": 40}
    watched = make_trainer(**options)
    watched.trainer.start()
    threaded = watched.wait_for(lambda s: s.state == "done", "the end")
    here = train_headless(lambda seed: FakeModel(FakeConfig(), seed), blobs(), steps=40,
                          **options)
    assert (here.state, here.step) == ("done", 40)
    for name in ("loss_steps", "train_loss", "eval_steps", "val_loss", "val_accuracy_curve"):
        np.testing.assert_array_equal(getattr(here, name), getattr(threaded, name))
    np.testing.assert_array_equal(here.params["w"], threaded.params["w"])

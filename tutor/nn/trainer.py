"""Train a model in a background thread and publish what the screen shows.

The UI never touches the model: it polls `Trainer.snapshot()` at its frame
rate and sends commands (`pause`, `set_lr`, `reset`, ...). The worker thread
runs steps in chunks, applies commands only between steps, and after each
chunk publishes an immutable `Snapshot`. Because every model kernel releases
the GIL (`nogil=True`), the UI thread keeps running while the model trains.

How the worker spends its time::

    wait for a command or for the throttle to allow the next chunk
    apply commands (reset, lr, batch size, dropout, run mode)
    run up to `steps_per_chunk` steps   # ends early on NaN/inf loss, max_steps or a command
    evaluate (validation loss, accuracies, inspect, predict on a grid)
    publish a Snapshot
    rest so that training takes at most `cpu_share` of one core

No exception escapes the thread: a non-finite loss ends training with state
"diverged", any other error with state "error" and the message kept in the
snapshot.

Around this module: `tutor.nn.snapshot` (what is published, and the curves
behind it), `tutor.nn.splits` (the data and its mini-batches),
`tutor.nn.commands` (what the UI may ask, and how it is checked).
"""

from __future__ import annotations

import math
import threading
import time
import traceback
from typing import Any, Literal

import numpy as np

from tutor.nn.base import Model
from tutor.nn.commands import (
    Commands,
    checked_batch_size,
    checked_dropout,
    checked_lr,
    checked_share,
)
from tutor.nn.snapshot import History, Snapshot, State
from tutor.nn.splits import Dataset, MiniBatches, Splits

RunMode = Literal["idle", "running", "paused"]

COMMAND_TIMEOUT_S = 10.0
"""How long a control call waits for the worker to confirm it (a chunk is short)."""

DIVERGE_FACTOR = 100.0
"""A run counts as diverged once its loss exceeds this many times its first
loss (or turns NaN/inf). Cross-entropy losses rarely overflow, however large
the learning rate: they climb roughly linearly with the exploding weights,
so "blew up" has to be a threshold, not only a NaN."""


class Trainer:
    """Trains `model` on `dataset` in a daemon thread; see the module docstring.

    Control methods may be called from any thread. Once the worker runs they
    return after the worker has applied them (it ends its chunk early, so
    that takes about one step), and the next `snapshot()` shows their effect.
    `reset()` rebuilds the model as `type(model)(model.config, seed=...)`.
    """

    def __init__(
        self,
        model: Model,
        dataset: Dataset,
        *,
        batch_size: int,
        steps_per_chunk: int,
        cpu_share: float = 1.0,
        eval_every: int | None = None,
        max_steps: int | None = None,
        seed: int = 0,
        probe: np.ndarray | None = None,
        grid: np.ndarray | None = None,
    ) -> None:
        """
        batch_size: mini-batch size; a size >= the training split means full batch.
        steps_per_chunk: steps between two publications (and between two commands).
        cpu_share: share of one core the thread may use, in (0, 1].
        eval_every: evaluate every this many steps (default: after every chunk).
        max_steps: stop with state "done" after this many steps.
        seed: seeds the mini-batch order (and `reset()` without a seed).
        probe: inputs for `model.inspect` (default: the first 64 validation points).
        grid: inputs for `model.predict` published as `Snapshot.predictions`.
        """
        if steps_per_chunk < 1:
            raise ValueError("steps_per_chunk must be >= 1")
        self._model = model
        self._data = Splits.of(dataset)
        if probe is None:
            probe = self._data.default_probe()
        self._probe = np.ascontiguousarray(probe)
        self._grid = None if grid is None else np.ascontiguousarray(grid)
        self._steps_per_chunk = int(steps_per_chunk)
        self._eval_every = int(eval_every) if eval_every else self._steps_per_chunk
        self._max_steps = max_steps
        self._seed = seed
        self._initial_params = model.params  # `reset()` without a seed returns here
        self._has_dropout = hasattr(model, "dropout")

        # Owned by the worker thread (or by the caller before the thread starts).
        self._batches = MiniBatches(
            self._data.X_train, self._data.y_train, checked_batch_size(batch_size), seed
        )
        self._cpu_share = checked_share(cpu_share)
        self._clear_progress()

        # Shared between threads, guarded by `_cond`.
        self._cond = threading.Condition()
        self._mode: RunMode = "idle"
        self._commands = Commands()
        self._single_steps = 0
        self._stopping = False
        self._interrupt = False  # a command is waiting: end the current chunk early
        self._ticket = 0  # commands submitted
        self._done_ticket = 0  # commands the worker has finished
        self._resume_at = 0.0  # throttle: no chunk before this perf_counter time
        self._thread: threading.Thread | None = None

        # The published snapshot; replaced whole, never mutated.
        self._snapshot_lock = threading.Lock()
        self._version = 0
        self._snapshot = Snapshot(step=0, state="idle")
        self._publish()

    # ------------------------------------------------------------------
    # Public API (any thread)
    # ------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The latest published state; never waits for training."""
        with self._snapshot_lock:
            return self._snapshot

    def start(self) -> None:
        """Start (or continue) training in the background."""
        self._control(mode="running")

    def pause(self) -> None:
        """Stop after the current step; the model keeps its state."""
        self._control(mode="paused")

    def resume(self) -> None:
        """Continue after `pause()` (same as `start()`)."""
        self._control(mode="running")

    def step_once(self) -> None:
        """Pause if running, then take exactly one step."""
        self._control(mode="paused", single_steps=1)

    def reset(self, seed: int | None = None) -> None:
        """Start over from fresh weights and empty curves, keeping the run mode
        and the current lr, batch size and dropout.

        Without `seed`, the weights and the batch order are those of the start;
        with one, both are drawn anew from it.
        """
        self._control(reset=True, reset_seed=seed)

    def set_lr(self, lr: float) -> None:
        self._control(lr=checked_lr(lr))

    def set_batch_size(self, batch_size: int) -> None:
        self._control(batch_size=checked_batch_size(batch_size))

    def set_dropout(self, dropout: float) -> None:
        if not self._has_dropout:
            raise AttributeError(f"{type(self._model).__name__} has no dropout")
        self._control(dropout=checked_dropout(dropout))

    def set_cpu_share(self, share: float) -> None:
        self._control(cpu_share=checked_share(share))

    def stop(self, timeout: float | None = COMMAND_TIMEOUT_S) -> None:
        """End the worker thread and wait for it (idempotent)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def alive(self) -> bool:
        """True while the worker thread exists and has not been stopped."""
        return self._thread is not None and self._thread.is_alive()

    # ------------------------------------------------------------------
    # Commands
    # ------------------------------------------------------------------

    def _control(
        self, *, mode: RunMode | None = None, single_steps: int = 0, **changes: Any
    ) -> None:
        """Queue a command and, once the worker exists, wait until it is done."""
        with self._cond:
            if self._stopping:
                return  # e.g. the screen sends a last pause while shutting down
            for name, value in changes.items():
                setattr(self._commands, name, value)
            if mode is not None:
                self._mode = mode
            self._single_steps += single_steps
            self._ticket += 1
            ticket = self._ticket
            needs_thread = mode == "running" or single_steps > 0
            if self._thread is None and needs_thread:
                self._thread = threading.Thread(
                    target=self._run, name="dltutor-trainer", daemon=True
                )
                self._thread.start()
            if self._thread is None:
                # No worker yet, so nothing else touches the model: apply here.
                self._done_ticket = ticket
                commands, self._commands = self._commands, Commands()
                self._apply(commands)
                self._publish()
                return
            self._interrupt = True
            self._cond.notify_all()
            self._cond.wait_for(
                lambda: self._done_ticket >= ticket or self._stopping or not self.alive,
                timeout=COMMAND_TIMEOUT_S,
            )

    def _apply(self, commands: Commands) -> None:
        """Apply queued commands to the model (worker thread, between steps)."""
        if commands.reset:
            self._rebuild(commands.reset_seed)
        if commands.lr is not None:
            self._model.lr = commands.lr
        if commands.dropout is not None:
            self._model.dropout = commands.dropout  # type: ignore[attr-defined]
        if commands.batch_size is not None:
            self._batches.batch_size = commands.batch_size
        if commands.cpu_share is not None:
            self._cpu_share = commands.cpu_share

    def _rebuild(self, seed: int | None) -> None:
        """A fresh model of the same configuration, with the learner's settings."""
        old = self._model
        model_seed = self._seed if seed is None else seed
        model = type(old)(old.config, seed=model_seed)  # type: ignore[call-arg, attr-defined]
        if seed is None:
            model.params = self._initial_params
        model.lr = old.lr
        if self._has_dropout:
            model.dropout = old.dropout  # type: ignore[attr-defined]
        self._model = model
        self._batches.restart(model_seed)
        self._clear_progress()

    def _clear_progress(self) -> None:
        self._step = 0
        self._halt: State | None = None  # "diverged", "done" or "error" once training cannot go on
        self._first_loss: float | None = None
        self._error: str | None = None
        self._history = History()
        self._last_eval_step = -1
        self._wall_time = 0.0
        self._steps_per_second = 0.0

    # ------------------------------------------------------------------
    # Worker thread
    # ------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._wait_for_work():
                    return
                commands, self._commands = self._commands, Commands()
                single_steps, self._single_steps = self._single_steps, 0
                self._interrupt = False
                running = self._mode == "running"
                # Commands are served at once, but chunks only when the throttle allows.
                may_train = not running or time.perf_counter() >= self._resume_at
                ticket = self._ticket
            started = time.perf_counter()
            trained = 0
            rest = 0.0
            try:
                self._apply(commands)
                if self._last_eval_step < 0:
                    self._evaluate()  # the untrained model is worth a look too
                if self._halt is None and may_train:
                    trained = self._train(self._steps_per_chunk if running else single_steps)
                self._evaluate(force=trained > 0 and not running)
            except Exception:  # whatever the model raises ends up in the snapshot
                self._halt = "error"
                self._error = traceback.format_exc()
            if trained:
                work = time.perf_counter() - started
                rest = work * (1.0 / self._cpu_share - 1.0) if running else 0.0
                self._wall_time += work + rest
                self._steps_per_second = trained / (work + rest) if work + rest > 0 else 0.0
            self._publish()
            with self._cond:
                self._done_ticket = ticket
                if trained:
                    self._resume_at = time.perf_counter() + rest
                self._cond.notify_all()

    def _wait_for_work(self) -> bool:
        """Block (holding `_cond`) until there is something to do; False to exit."""
        while True:
            if self._stopping:
                return False
            if self._commands.any() or self._single_steps or self._done_ticket < self._ticket:
                return True
            if self._mode == "running" and self._halt is None:
                delay = self._resume_at - time.perf_counter()
                if delay <= 0:
                    return True
                self._cond.wait(delay)
            else:
                self._cond.wait()

    def _train(self, steps: int) -> int:
        """Take up to `steps` steps; returns how many were taken."""
        if self._max_steps is not None:
            steps = min(steps, self._max_steps - self._step)
        model = self._model
        loss_sum = 0.0
        taken = 0
        for _ in range(steps):
            if self._interrupt and taken:  # serve the UI within one step, not one chunk
                break
            X, y = self._batches.next()
            loss = model.step(X, y)
            if self._first_loss is None:
                self._first_loss = loss
            if not math.isfinite(loss) or loss > DIVERGE_FACTOR * max(self._first_loss, 1e-3):
                self._halt = "diverged"
                break
            loss_sum += loss
            taken += 1
        self._step += taken
        if taken:
            self._history.loss.add(self._step, loss_sum / taken)
        if self._max_steps is not None and self._step >= self._max_steps and self._halt is None:
            self._halt = "done"
        return taken

    def _evaluate(self, force: bool = False) -> None:
        """Validation loss, accuracies, inspection: what the graphics show
        (see `History.evaluate`).

        Runs at step 0, every `eval_every` steps, after a single step by hand
        (`force`) and at the end; never twice for the same step.
        """
        if self._halt in ("diverged", "error") or self._step == self._last_eval_step:
            return
        due = self._last_eval_step < 0 or self._step - self._last_eval_step >= self._eval_every
        if not (due or force or self._halt == "done"):
            return
        self._last_eval_step = self._step
        self._history.evaluate(self._model, self._step, self._data, self._probe, self._grid)

    def _publish(self) -> None:
        with self._cond:
            mode = self._mode
        self._version += 1
        snapshot = Snapshot(
            step=self._step,
            state=self._halt or mode,
            **self._history.published(),
            lr=float(self._model.lr),
            batch_size=self._batches.batch_size,
            dropout=self._current_dropout(),
            wall_time=self._wall_time,
            steps_per_second=self._steps_per_second,
            error=self._error,
            version=self._version,
        )
        with self._snapshot_lock:
            self._snapshot = snapshot

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _current_dropout(self) -> float | None:
        if not self._has_dropout:
            return None
        return float(self._model.dropout)  # type: ignore[attr-defined]

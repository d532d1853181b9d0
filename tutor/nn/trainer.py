"""Train a model in a background thread and publish what the screen shows.

The UI never touches the model, and never waits for it. The trainer builds
its own model (`build(seed)`, in the worker thread), so nobody else holds
its buffers. Every control call (`start`, `pause`, `set_lr`, `reset`, ...)
checks its value, queues a command and returns a `Ticket` at once; the
worker applies queued commands between two training *steps*, publishes an
immutable `Snapshot` showing their effect, then marks the tickets done. The
UI reads `snapshot()` at its own frame rate, or is told through
`on_publish(snapshot)` (called from the worker thread). Every model kernel
releases the GIL (`nogil=True`), so the UI thread keeps running meanwhile.

How the worker spends its time::

    build the model; compile its kernels       # state "preparing", (done, total)
    look at the untrained model, publish       # state "idle"
    loop:
        wait for a command, or for the throttle to allow the next chunk
        apply queued commands, publish, mark their tickets done
        run up to `steps_per_chunk` steps      # stops early for a command or a halt
        look at the model (params, inspection, grid predictions) at this step,
        evaluate accuracies / validation loss when due, publish
        rest so that training takes at most `cpu_share` of one core
    on stop(): publish state "stopped" and end

No exception escapes the thread: a non-finite loss (or one 100x its start)
ends training with state "diverged", any other error with state "error" and
the traceback kept in the snapshot.

Around this module: `tutor.nn.snapshot` (what is published, and the curves
behind it), `tutor.nn.splits` (the data and its mini-batches),
`tutor.nn.commands` (control calls and their tickets), `tutor.nn.warmup`
(kernel compilation with progress).
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

from tutor.nn import warmup
from tutor.nn.base import Model
from tutor.nn.commands import (
    Command,
    CommandKind,
    Ticket,
    TrainerStopped,
    checked_batch_size,
    checked_dropout,
    checked_lr,
    checked_share,
)
from tutor.nn.run import DIVERGE_FACTOR, Run
from tutor.nn.snapshot import Snapshot, State
from tutor.nn.splits import Dataset, MiniBatches, Splits

__all__ = ["DIVERGE_FACTOR", "Snapshot", "Ticket", "Trainer", "TrainerStopped"]

RunMode = Literal["idle", "running", "paused"]

class Trainer:
    """Trains the model `build(seed)` on `dataset` in a daemon thread that
    starts at once; see the module docstring.

    Control calls may come from any thread; each returns a `Ticket` without
    waiting. After `stop()` they raise `TrainerStopped`: a stopped trainer
    does not restart (its worker and model are gone; make a new one).
    """

    def __init__(
        self,
        build: Callable[[int], Model],
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
        on_publish: Callable[[Snapshot], None] | None = None,
        kernels: Sequence[str] | None = None,
        name: str = "",
    ) -> None:
        """
        build: `build(seed) -> Model`, a fresh model; called in the worker thread,
            again by `reset()`. The same seed must give the same weights.
        batch_size: mini-batch size; a size >= the training split means full batch.
        steps_per_chunk: most steps between two publications.
        cpu_share: share of one core the thread may use, in (0, 1].
        eval_every: accuracies and validation loss every this many steps
            (default: every chunk); params, inspection and predictions follow
            every publication regardless.
        max_steps: stop with state "done" after this many steps.
        seed: seeds the model and the mini-batch order (`reset()` without a seed).
        probe: inputs for `model.inspect` (default: the first 64 validation points).
        grid: inputs for `model.predict` published as `Snapshot.predictions`.
        on_publish: called from the worker thread after every publication;
            it must be quick and must not touch widgets (post a message).
        kernels: warm-up groups the model needs (`tutor.nn.warmup.GROUPS`);
            default: found from the built model's type.
        name: for the thread name and error messages.
        """
        if steps_per_chunk < 1:
            raise ValueError("steps_per_chunk must be >= 1")
        self._build = build
        self._data = Splits.of(dataset)
        if probe is None:
            probe = self._data.default_probe()
        self._probe = np.ascontiguousarray(probe)
        self._grid = None if grid is None else np.ascontiguousarray(grid)
        self._steps_per_chunk = int(steps_per_chunk)
        self._eval_every = int(eval_every) if eval_every else self._steps_per_chunk
        self._max_steps = max_steps
        self._seed = seed
        self._kernels = None if kernels is None else tuple(kernels)
        self._on_publish = on_publish
        self.name = name

        # Owned by the worker thread; `_run` exists once the model is ready.
        self._run: Run
        self._batches = MiniBatches(
            self._data.X_train, self._data.y_train, checked_batch_size(batch_size), seed
        )
        self._cpu_share = checked_share(cpu_share)
        self._mode: RunMode = "idle"
        self._prepare: tuple[int, int] | None = None
        self._resume_at = 0.0  # throttle: no chunk before this perf_counter time
        self._fatal: str | None = None  # why the model could not be built or prepared

        # Shared between threads, guarded by `_cond`.
        self._cond = threading.Condition()
        self._queue: list[Command] = []
        self._stopping = False

        # The published snapshot; replaced whole, never mutated.
        self._snapshot_lock = threading.Lock()
        self._version = 0
        self._snapshot = Snapshot(step=0, state="preparing", batch_size=self._batches.batch_size)
        thread_name = f"dltutor-trainer {name}".rstrip()
        self._thread = threading.Thread(target=self._work, name=thread_name, daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------
    # Public API (any thread, never waits for the worker)
    # ------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The latest published state."""
        with self._snapshot_lock:
            return self._snapshot

    def start(self) -> Ticket:
        """Train in the background (also continues after `pause()`)."""
        return self._queue_command("run")

    def resume(self) -> Ticket:
        """Same as `start()`."""
        return self._queue_command("run")

    def pause(self) -> Ticket:
        """Stop after the current step; the model keeps its state."""
        return self._queue_command("pause")

    def step_once(self) -> Ticket:
        """Pause if running, then take exactly one step."""
        return self._queue_command("step")

    def reset(self, seed: int | None = None) -> Ticket:
        """Start over from fresh weights (`build(seed)`) and empty curves, keeping
        the run mode and the current lr, batch size and dropout. Without `seed`,
        the weights and the batch order are those of the start."""
        return self._queue_command("reset", seed)

    def set_lr(self, lr: float) -> Ticket:
        return self._queue_command("lr", checked_lr(lr))

    def set_batch_size(self, batch_size: int) -> Ticket:
        return self._queue_command("batch_size", checked_batch_size(batch_size))

    def set_dropout(self, dropout: float) -> Ticket:
        """Dropped (ticket error) if the model has no dropout."""
        return self._queue_command("dropout", checked_dropout(dropout))

    def set_cpu_share(self, share: float) -> Ticket:
        return self._queue_command("cpu_share", checked_share(share))

    def stop(self) -> None:
        """Ask the worker to end within one step and publish a last snapshot
        (state "stopped"); returns at once. Idempotent."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker thread to end (after `stop()`); True if it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        """True while the worker thread runs."""
        return self._thread.is_alive()

    def _queue_command(self, kind: CommandKind, value: float | int | None = None) -> Ticket:
        command = Command(kind, value)
        with self._cond:
            if self._stopping:
                raise TrainerStopped(f"trainer {self.name!r} is stopped; make a new one")
            self._queue.append(command)
            self._cond.notify_all()
        return command.ticket

    # ------------------------------------------------------------------
    # Worker thread
    # ------------------------------------------------------------------

    def _work(self) -> None:
        try:
            if self._get_ready():
                self._serve()
        except Exception:  # the factory or the compile failed: say so, then wait for stop
            self._fatal = traceback.format_exc()
            self._publish()
            self._refuse_until_stopped()
        finally:
            self._finish()

    def _get_ready(self) -> bool:
        """Build the model and compile its kernels; False if stopped meanwhile."""
        model = self._build(self._seed)
        groups = self._kernels if self._kernels is not None else warmup.groups_for(model)
        done, total = warmup.progress(groups)
        if done < total:
            def report() -> None:
                progress = warmup.progress(groups)
                if progress != self._prepare:
                    self._prepare = progress
                    self._publish()

            report()
            if not warmup.prepare(groups, report, should_stop=lambda: self._stopping):
                return False
            self._prepare = None
        self._run = self._new_run(model)
        self._publish()
        return True

    def _new_run(self, model: Model) -> Run:
        return Run(model, self._data, self._probe, self._grid, self._eval_every, self._max_steps)

    def _serve(self) -> None:
        """Answer commands and train until stopped."""
        while True:
            with self._cond:
                commands = self._wait_for_work()
            if commands is None:
                return
            if commands:
                self._apply_all(commands)
                self._publish()
                for command in commands:
                    if not command.ticket.done:
                        command.ticket.resolve()
            else:
                self._train_chunk()
                self._publish()

    def _wait_for_work(self) -> list[Command] | None:
        """Block (holding `_cond`) until there are commands ([...]), a chunk is
        due ([]), or the trainer is stopping (None)."""
        while True:
            if self._stopping:
                return None
            if self._queue:
                commands, self._queue = self._queue, []
                return commands
            if self._mode == "running" and self._run.halt is None:
                delay = self._resume_at - time.perf_counter()
                if delay <= 0:
                    return []
                self._cond.wait(delay)
            else:
                self._cond.wait()

    def _interrupted(self) -> bool:
        """A command or a stop is waiting: end the chunk after this step.
        (Reading without the lock is safe: each is one reference.)"""
        return bool(self._queue) or self._stopping

    def _apply_all(self, commands: list[Command]) -> None:
        """Apply commands in the order they came, single steps included."""
        for command in commands:
            kind, value = command.kind, command.value
            model = self._run.model
            if kind == "run":
                self._mode = "running"
            elif kind == "pause":
                self._mode = "paused"
            elif kind == "step":
                self._mode = "paused"
                self._run.train(1, self._batches, self._interrupted, force_evaluation=True)
            elif kind == "reset":
                self._reset(None if value is None else int(value))
            elif kind == "lr":
                model.lr = float(value)  # type: ignore[arg-type]
            elif kind == "batch_size":
                self._batches.batch_size = int(value)  # type: ignore[arg-type]
            elif kind == "cpu_share":
                self._cpu_share = float(value)  # type: ignore[arg-type]
            elif not hasattr(model, "dropout"):
                command.ticket.resolve(f"{type(model).__name__} has no dropout")
            else:
                model.dropout = float(value)  # type: ignore[attr-defined, arg-type]

    def _reset(self, seed: int | None) -> None:
        """A fresh model from the factory, with the learner's settings."""
        old = self._run.model
        model_seed = self._seed if seed is None else seed
        model = self._build(model_seed)
        model.lr = old.lr
        if hasattr(old, "dropout"):
            model.dropout = old.dropout  # type: ignore[attr-defined]
        self._batches.restart(model_seed)
        self._run = self._new_run(model)

    def _train_chunk(self) -> None:
        """Up to `steps_per_chunk` steps, then rest so that this thread uses at
        most `cpu_share` of one core: the chunk's CPU time, spread over wall
        time. Time spent waiting for a busy CPU already counts as rest."""
        started, cpu_started = time.perf_counter(), time.thread_time()
        taken = self._run.train(self._steps_per_chunk, self._batches, self._interrupted)
        now = time.perf_counter()
        work = now - started
        rest = max(0.0, (time.thread_time() - cpu_started) / self._cpu_share - work)
        self._resume_at = now + rest
        if taken:
            self._run.count_time(work + rest, taken)

    def _publish(self, state: State | None = None) -> None:
        run = self._run if hasattr(self, "_run") else None
        if state is None:
            if run is None:
                state = "error" if self._fatal else "preparing"
            else:
                state = run.halt or self._mode
        fields = run.published() if run is not None else {"step": 0, "error": self._fatal}
        with self._snapshot_lock:
            self._version += 1
            snapshot = Snapshot(state=state, batch_size=self._batches.batch_size,
                                version=self._version, prepare=self._prepare, **fields)
            self._snapshot = snapshot
        if self._on_publish is not None:
            try:
                self._on_publish(snapshot)
            except Exception:  # the UI's bug must not go unseen
                if run is not None and run.halt is None:
                    run.fail()

    def _refuse_until_stopped(self) -> None:
        """The model could not be built or prepared: drop every command (their
        tickets say why) until the owner stops the trainer."""
        while True:
            with self._cond:
                while not (self._stopping or self._queue):
                    self._cond.wait()
                if self._stopping:
                    return
                refused, self._queue = self._queue, []
            for command in refused:
                command.ticket.resolve("the model could not be prepared (see the snapshot)")

    def _finish(self) -> None:
        """Last words: drop what is still queued, publish "stopped"."""
        with self._cond:
            self._stopping = True  # also when the thread ends on its own
            leftovers, self._queue = self._queue, []
        for command in leftovers:
            command.ticket.resolve("stopped")
        self._publish(state="stopped")

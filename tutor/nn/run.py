"""One training run: a model from fresh weights, its steps, curves and fate.

The `Trainer`'s worker thread owns one `Run` at a time (a reset starts a new
one) and decides *when* to train; the run decides what a step means: the
loss curve, when the run has diverged or is done, what the screen gets to
see of the model at each publication. `train_headless` drives a run the same
way in the calling thread, so a lesson's truth test measures what its demo
shows.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np

from tutor.nn.base import Model
from tutor.nn.snapshot import History, Snapshot, State
from tutor.nn.splits import Dataset, MiniBatches, Splits

DIVERGE_FACTOR = 100.0
"""A run counts as diverged once its loss exceeds this many times its first
loss (or turns NaN/inf). Cross-entropy losses rarely overflow, however large
the learning rate: they climb roughly linearly with the exploding weights,
so "blew up" has to be a threshold, not only a NaN."""


class Run:
    """Steps, curves and state of one model since its weights were drawn."""

    def __init__(
        self,
        model: Model,
        data: Splits,
        probe: np.ndarray,
        grid: np.ndarray | None,
        eval_every: int,
        max_steps: int | None,
    ) -> None:
        self.model = model
        self.step = 0
        self.halt: State | None = None
        """"diverged", "done" or "error" once training cannot go on."""
        self.error: str | None = None
        self.history = History()
        self.wall_time = 0.0
        self.steps_per_second = 0.0
        self._data = data
        self._probe = probe
        self._grid = grid
        self._eval_every = eval_every
        self._max_steps = max_steps
        self._first_loss: float | None = None
        self._last_eval_step = -1
        self.look_and_evaluate(force=True)  # the untrained model is worth a look too

    def fail(self) -> None:
        """Call from an `except` block: the run ends in "error" with the traceback."""
        self.halt = "error"
        self.error = traceback.format_exc()

    def train(self, steps: int, batches: MiniBatches, interrupted: Callable[[], bool],
              force_evaluation: bool = False) -> int:
        """Take up to `steps` steps, fewer once `interrupted()` (checked between
        two steps, after the first) or at a halt; then look at the model.
        Returns the steps taken."""
        if self.halt is not None:
            return 0
        if self._max_steps is not None:
            steps = min(steps, self._max_steps - self.step)
        loss_sum = 0.0
        taken = 0
        try:
            for _ in range(steps):
                if taken and interrupted():
                    break
                X, y = batches.next()
                loss = self.model.step(X, y)
                taken += 1
                if self._first_loss is None:
                    self._first_loss = loss
                if not math.isfinite(loss) or loss > DIVERGE_FACTOR * max(self._first_loss, 1e-3):
                    self.halt = "diverged"  # the step happened: the published params show it
                    break
                loss_sum += loss
        except Exception:  # whatever the model raises ends up in the snapshot
            self.fail()
        self.step += taken
        counted = taken - (self.halt == "diverged")
        if counted:
            self.history.loss.add(self.step, loss_sum / counted)
        if self._max_steps is not None and self.step >= self._max_steps and self.halt is None:
            self.halt = "done"
        if taken:
            self.look_and_evaluate(force=force_evaluation)
        return taken

    def look_and_evaluate(self, force: bool) -> None:
        """Params, inspection and predictions at this step (always); accuracies
        and validation loss at step 0, every `eval_every` steps, when `force`d
        and at the end; never twice for the same step."""
        if self.halt == "error":
            self.history.forget_look()  # the model's state is unknown: show nothing stale
            return
        try:
            self.history.look(self.model, self._probe, self._grid)
            if self.halt == "diverged" or self.step == self._last_eval_step:
                return
            due = self._last_eval_step < 0 or self.step - self._last_eval_step >= self._eval_every
            if due or force or self.halt == "done":
                self._last_eval_step = self.step
                self.history.evaluate(self.model, self.step, self._data)
        except Exception:
            if self.halt != "diverged":  # a blown-up model may fail to evaluate: expected
                self.fail()
            self.history.forget_look()

    def count_time(self, seconds: float, steps: int) -> None:
        """Running time of `steps` steps, throttle rest included."""
        self.wall_time += seconds
        self.steps_per_second = steps / seconds if seconds > 0 else 0.0

    def published(self) -> dict[str, Any]:
        """The Snapshot fields this run fills."""
        return {
            "step": self.step,
            **self.history.published(),
            "lr": float(self.model.lr),
            "dropout": float(self.model.dropout) if hasattr(self.model, "dropout") else None,
            "wall_time": self.wall_time,
            "steps_per_second": self.steps_per_second,
            "error": self.error,
        }


def train_headless(
    build: Callable[[int], Model],
    dataset: Dataset,
    *,
    batch_size: int,
    steps_per_chunk: int,
    steps: int,
    eval_every: int | None = None,
    max_steps: int | None = None,
    seed: int = 0,
    probe: np.ndarray | None = None,
    grid: np.ndarray | None = None,
) -> Snapshot:
    """Train in the calling thread exactly as a `Trainer` started with the
    same arguments would (model, batch order, chunks, divergence rule,
    evaluations), for `steps` steps or until the run halts, and return the
    snapshot it would publish. No thread, no throttle: for truth tests and
    benchmarks that must measure what the screen shows."""
    data = Splits.of(dataset)
    run = Run(build(seed), data, data.default_probe() if probe is None else probe, grid,
              eval_every or steps_per_chunk, max_steps)
    batches = MiniBatches(data.X_train, data.y_train, batch_size, seed)
    while run.step < steps and run.halt is None:
        run.train(min(steps_per_chunk, steps - run.step), batches, lambda: False)
    return Snapshot(state=run.halt or "paused", batch_size=batches.batch_size, **run.published())

"""One training run as a demo shows it, and the same run trained headless.

`RunSpec` holds what a `Trainer` is built from (model factory, data, batch
size, step budget, evaluation cadence, the grid a boundary is drawn on).
`simulate` trains it in the calling thread the way the trainer's worker
does, with the same mini-batch order, divergence rule and evaluation, and
returns the `Snapshot` the trainer would publish at the end. Lessons measure
snapshots, whichever of the two produced them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.nn.base import Model
from tutor.nn.datasets import Dataset
from tutor.nn.snapshot import History, Snapshot
from tutor.nn.splits import MiniBatches, Splits
from tutor.nn.trainer import DIVERGE_FACTOR

ModelFactory = Callable[[int], Model]
"""seed -> a fresh model (the trainer calls it in its worker thread)."""


@dataclass(frozen=True, eq=False)
class RunSpec:
    """A training run: `Trainer(spec.build, spec.dataset, **spec.trainer_kwargs(), ...)`."""

    name: str
    """Shown in legends and tables, e.g. "lr 0.3"."""
    build: ModelFactory
    dataset: Dataset
    batch_size: int
    """A size >= the training split means full batch."""
    max_steps: int | None
    """The run ends ("done") after this many steps; None trains until stopped."""
    steps_per_chunk: int = 10
    eval_every: int | None = None
    """Evaluate every this many steps (default: every chunk)."""
    grid: np.ndarray | None = None
    """(G, 2) inputs whose predictions draw a decision boundary."""
    kernels: tuple[str, ...] = ("mlp",)
    """Warm-up groups this model needs."""

    def trainer_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `Trainer` besides the factory and the data."""
        return {
            "batch_size": self.batch_size,
            "steps_per_chunk": self.steps_per_chunk,
            "eval_every": self.eval_every,
            "max_steps": self.max_steps,
            "grid": self.grid,
            "kernels": self.kernels,
            "name": self.name,
        }


def simulate(spec: RunSpec, seed: int = 0, steps: int | None = None) -> Snapshot:
    """Train `spec` in this thread for `steps` (default: its budget) and
    return the snapshot the trainer would publish at the end."""
    budget = spec.max_steps if steps is None else steps
    if budget is None:
        raise ValueError(f"{spec.name}: no step budget")
    return _Run(spec, seed).train(budget)


class _Run:
    """The worker loop of `Trainer`, minus threads, commands and throttle."""

    def __init__(self, spec: RunSpec, seed: int) -> None:
        self.spec = spec
        self.model = spec.build(seed)
        # the frozen Dataset's read-only fields satisfy the protocol at run time
        self.data = Splits.of(spec.dataset)  # type: ignore[arg-type]
        self.batches = MiniBatches(self.data.X_train, self.data.y_train, spec.batch_size, seed)
        self.probe = self.data.default_probe()
        self.history = History()
        self.every = spec.eval_every or spec.steps_per_chunk
        self.step = 0
        self.first_loss: float | None = None
        self.state = "running"

    def train(self, budget: int) -> Snapshot:
        started = time.perf_counter()
        self._evaluate()
        last_eval = 0
        while self.step < budget and self.state == "running":
            chunk = min(self.spec.steps_per_chunk, budget - self.step)
            self._chunk(chunk)
            if self.state == "running" and self.step - last_eval >= self.every:
                self._evaluate()
                last_eval = self.step
        if self.state == "running":
            self.state = "done" if self.step >= (self.spec.max_steps or budget) else "paused"
            if last_eval != self.step:
                self._evaluate()
        return Snapshot(
            step=self.step,
            state=self.state,  # type: ignore[arg-type]
            **self.history.published(),
            lr=float(self.model.lr),
            batch_size=self.batches.batch_size,
            dropout=getattr(self.model, "dropout", None),
            wall_time=time.perf_counter() - started,
        )

    def _chunk(self, steps: int) -> None:
        total, taken = 0.0, 0
        for _ in range(steps):
            loss = self.model.step(*self.batches.next())
            if self.first_loss is None:
                self.first_loss = loss
            if not math.isfinite(loss) or loss > DIVERGE_FACTOR * max(self.first_loss, 1e-3):
                self.state = "diverged"
                break
            total += loss
            taken += 1
        self.step += taken
        if taken:
            self.history.loss.add(self.step, total / taken)

    def _evaluate(self) -> None:
        self.history.evaluate(self.model, self.step, self.data, self.probe, self.spec.grid)


# ---------------------------------------------------------------------------
# Reading the curves of a snapshot
# ---------------------------------------------------------------------------


def final_loss(snapshot: Snapshot) -> float:
    """The latest training-loss point (nan before the first)."""
    return float(snapshot.train_loss[-1]) if len(snapshot.train_loss) else math.nan


def best_val(snapshot: Snapshot) -> tuple[int, float]:
    """(step, loss) of the lowest validation loss so far; (-1, nan) before any."""
    if not len(snapshot.val_loss):
        return -1, math.nan
    index = int(np.nanargmin(snapshot.val_loss)) if np.isfinite(snapshot.val_loss).any() else 0
    return int(snapshot.eval_steps[index]), float(snapshot.val_loss[index])


# ---------------------------------------------------------------------------
# Slide parameters
# ---------------------------------------------------------------------------


def param_ints(params: Mapping[str, object], key: str, default: Sequence[int]) -> tuple[int, ...]:
    """A list of whole numbers from a demo parameter (one number counts as a list)."""
    value = params.get(key, tuple(default))
    items = value if isinstance(value, (tuple, list)) else (value,)
    return tuple(int(item) for item in items)  # type: ignore[call-overload]


def param_floats(
    params: Mapping[str, object], key: str, default: Sequence[float]
) -> tuple[float, ...]:
    value = params.get(key, tuple(default))
    items = value if isinstance(value, (tuple, list)) else (value,)
    return tuple(float(item) for item in items)  # type: ignore[arg-type]


def param_float(params: Mapping[str, object], key: str, default: float) -> float:
    return float(params.get(key, default))  # type: ignore[arg-type]


def param_int(params: Mapping[str, object], key: str, default: int) -> int:
    return int(params.get(key, default))  # type: ignore[call-overload]


def param_str(params: Mapping[str, object], key: str, default: str) -> str:
    return str(params.get(key, default))

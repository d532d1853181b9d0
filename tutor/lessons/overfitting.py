"""overfitting: a big net on a small noisy set, and the step to stop at.

The slide's `points` noisy training points (40 by default) against 200
fresh validation points from the same distribution. A 2-64-64-1 tanh net
with plain SGD fits the real shape first (both losses fall), then the noise
(validation loss turns up while training loss keeps falling). Early
stopping keeps the weights of the best validation step; `BestSoFar` keeps
that snapshot so the widget can show its boundary next to the final one.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from tutor.lessons.plane import Plane
from tutor.lessons.runs import (
    RunSpec,
    best_val,
    mlp_factory,
    param_float,
    param_int,
    param_ints,
    param_str,
)
from tutor.nn.base import OptimizerConfig
from tutor.nn.datasets import Dataset, make_dataset
from tutor.nn.snapshot import Snapshot

RISE = 1.2
"""Validation loss at the end is at least this many times its minimum."""
VAL_POINTS = 200


@dataclass(frozen=True)
class Settings:
    data: str = "moons"
    points: int = 40
    noise: float = 0.3
    hidden: tuple[int, ...] = (64, 64)
    lr: float = 0.1
    steps: int = 2000

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Settings:
        return cls(data=param_str(params, "data", cls.data),
                   points=param_int(params, "points", cls.points),
                   noise=param_float(params, "noise", cls.noise),
                   hidden=param_ints(params, "hidden", cls.hidden))


def dataset(settings: Settings, seed: int = 0) -> Dataset:
    """`points` training points and VAL_POINTS validation points, one distribution."""
    total = settings.points + VAL_POINTS
    return make_dataset(settings.data, n=total, noise=settings.noise, seed=seed,
                        val_fraction=VAL_POINTS / total)


def run(settings: Settings, data: Dataset) -> RunSpec:
    """Full batch (the set is tiny), evaluated every 20 steps (the boundary
    grid costs more than the 20 steps)."""
    build = mlp_factory((2, *settings.hidden, 1), activation="tanh",
                       optimizer=OptimizerConfig(kind="sgd", lr=settings.lr))
    return RunSpec("overfitting", build, data, settings.points,
                   settings.steps, steps_per_chunk=20, eval_every=20,
                   plane=Plane.around(data))


@dataclass(frozen=True)
class Overfit:
    best_step: int
    best_val: float
    final_val: float
    train_at_best: float
    final_train: float

    @property
    def rise(self) -> float:
        """Final validation loss over its minimum."""
        return self.final_val / self.best_val if self.best_val > 0 else math.nan

    @property
    def shown(self) -> bool:
        """Validation turned up (>= RISE x its minimum) while training kept falling."""
        return self.rise >= RISE and self.final_train < self.train_at_best


def measure(snapshot: Snapshot) -> Overfit | None:
    """The early-stopping numbers of a run so far (None before two evaluations)."""
    if len(snapshot.val_loss) < 2 or not len(snapshot.train_loss):
        return None
    step, value = best_val(snapshot)
    # the training-loss point at (or just after) the best validation step
    at = min(int(np.searchsorted(snapshot.loss_steps, step)), len(snapshot.train_loss) - 1)
    return Overfit(best_step=step, best_val=value, final_val=float(snapshot.val_loss[-1]),
                   train_at_best=float(snapshot.train_loss[at]),
                   final_train=float(snapshot.train_loss[-1]))


def describe(result: Overfit | None) -> str:
    """One line (fits 80 columns) on where the run stands."""
    if result is None:
        return "training…"
    if result.shown:
        return (f"validation {result.rise:.1f}x its best (step {result.best_step}) while "
                "training falls: memorising")
    return f"best validation loss {result.best_val:.3f}, at step {result.best_step}"


class BestSoFar:
    """The snapshot with the lowest validation loss of a run, kept as they
    are published (the trainer's callback thread may feed it while the UI
    reads `best`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._best: Snapshot | None = None

    def offer(self, snapshot: Snapshot) -> None:
        if not len(snapshot.val_loss) or snapshot.predictions is None:
            return
        with self._lock:
            if snapshot.step < (self._best.step if self._best else 0):
                self._best = None  # the run was reset
            if self._best is None or snapshot.val_loss[-1] < self._best.val_loss[-1]:
                self._best = snapshot

    @property
    def best(self) -> Snapshot | None:
        with self._lock:
            return self._best

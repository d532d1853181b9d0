"""What the trainer publishes for the screen: immutable `Snapshot`s, and the
bounded curves and latest evaluation (`History`) they are built from.

A `History` belongs to the trainer's worker thread; everything it hands out
(`History.published()`, hence every `Snapshot`) is a read-only copy, safe to
share with the UI thread.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from tutor.nn.base import Model
from tutor.nn.splits import Splits

State = Literal[
    "preparing", "idle", "running", "paused", "diverged", "done", "error", "stopped"
]
"""preparing: the worker builds the model and compiles its kernels (see
`Snapshot.prepare`); idle: ready, not started; running / paused: as asked;
diverged: loss non-finite or 100x its start; done: `max_steps` reached; error:
the model raised; stopped: the worker has ended (`Trainer.stop()`)."""

CURVE_POINTS = 2048
"""Most points a history curve keeps; older points are merged pairwise."""


def readonly(array: Any) -> np.ndarray:
    """A private read-only copy, safe to hand to another thread."""
    copy = np.array(array, copy=True)
    copy.flags.writeable = False
    return copy


def readonly_mapping(values: Mapping[str, Any] | None) -> Mapping[str, np.ndarray]:
    if not values:
        return MappingProxyType({})
    return MappingProxyType({key: readonly(value) for key, value in values.items()})


def _no_steps() -> np.ndarray:
    return readonly(np.zeros(0, dtype=np.int64))


def _no_values() -> np.ndarray:
    return readonly(np.zeros(0, dtype=np.float64))


def _no_arrays() -> Mapping[str, np.ndarray]:
    return MappingProxyType({})


@dataclass(frozen=True, eq=False)  # arrays have no truth value: compare snapshots by identity
class Snapshot:
    """What the trainer looked like at one moment: immutable, share freely.

    `params`, `predictions` and `inspection` always show the model at `step`.
    Curves are read-only numpy arrays; `*_steps` says at which step each point
    was taken (points are merged pairwise once a curve is long); accuracies and
    the validation loss are refreshed every `eval_every` steps.
    """

    step: int
    """Training steps taken since the last reset."""
    state: State
    loss_steps: np.ndarray = field(default_factory=_no_steps)
    """(P,) step of each training-loss point."""
    train_loss: np.ndarray = field(default_factory=_no_values)
    """(P,) mean mini-batch loss over the steps since the previous point."""
    eval_steps: np.ndarray = field(default_factory=_no_steps)
    """(E,) step of each evaluation."""
    val_loss: np.ndarray = field(default_factory=_no_values)
    """(E,) loss on the whole validation split."""
    train_accuracy_curve: np.ndarray = field(default_factory=_no_values)
    """(E,) accuracy on the whole training split."""
    val_accuracy_curve: np.ndarray = field(default_factory=_no_values)
    """(E,) accuracy on the whole validation split."""
    train_accuracy: float = math.nan
    """Latest training accuracy (nan before the first evaluation)."""
    val_accuracy: float = math.nan
    inspection: Mapping[str, np.ndarray] = field(default_factory=_no_arrays)
    """`model.inspect(probe)` at `step`: activations, feature maps, gradient norms..."""
    predictions: np.ndarray | None = None
    """`model.predict(grid)` at `step` when a grid was given (e.g. a decision boundary)."""
    params: Mapping[str, np.ndarray] = field(default_factory=_no_arrays)
    """Parameter values at `step`, by name."""
    lr: float = math.nan
    batch_size: int = 0
    dropout: float | None = None
    """None when the model has no dropout."""
    wall_time: float = 0.0
    """Seconds spent running (training and throttle rests; pauses excluded)."""
    steps_per_second: float = 0.0
    """Training speed over the latest chunk, throttle rests included."""
    error: str | None = None
    """The exception, with traceback, that stopped training (state "error")."""
    version: int = 0
    """Increases with every publication: the UI may skip redrawing an unchanged snapshot."""
    prepare: tuple[int, int] | None = None
    """While state is "preparing": (kernels ready, kernels needed), e.g. (3, 7) on
    the first run on a machine; None once ready, or while the model is built."""


class Curve:
    """A history that never grows past `capacity` points.

    When full, neighbouring points are merged (steps: the later one; values:
    the mean) and from then on each new point averages twice as many samples,
    so hours of training cost constant memory and the curve keeps its shape.
    """

    def __init__(self, capacity: int = CURVE_POINTS) -> None:
        self.capacity = capacity - capacity % 2
        self.steps = np.zeros(self.capacity, dtype=np.int64)
        self.values = np.zeros(self.capacity, dtype=np.float64)
        self.size = 0
        self.stride = 1  # samples per point
        self._sum = 0.0
        self._count = 0

    def add(self, step: int, value: float) -> None:
        self._sum += value
        self._count += 1
        if self._count < self.stride:
            return
        if self.size == self.capacity:
            half = self.capacity // 2
            self.steps[:half] = self.steps[1::2]
            self.values[:half] = 0.5 * (self.values[0::2] + self.values[1::2])
            self.size = half
            self.stride *= 2
        self.steps[self.size] = step
        self.values[self.size] = self._sum / self._count
        self.size += 1
        self._sum = 0.0
        self._count = 0

    def published(self) -> tuple[np.ndarray, np.ndarray]:
        return readonly(self.steps[: self.size]), readonly(self.values[: self.size])


class History:
    """The curves of one training run and what its latest evaluation saw."""

    def __init__(self) -> None:
        self.loss = Curve()
        self.val_loss = Curve()
        self.train_accuracy_curve = Curve()
        self.val_accuracy_curve = Curve()
        self.train_accuracy = math.nan
        self.val_accuracy = math.nan
        self.inspection: Mapping[str, np.ndarray] = MappingProxyType({})
        self.predictions: np.ndarray | None = None
        self.params: Mapping[str, np.ndarray] = MappingProxyType({})

    def look(self, model: Model, probe: np.ndarray, grid: np.ndarray | None) -> None:
        """What the model is now: parameters, inspection, grid predictions.
        Cheap; done for every publication so that they match its step."""
        # inspect first: its gradient norms are those of the last training step,
        # which `evaluate`'s validation loss overwrites in the model's buffers
        self.inspection = readonly_mapping(model.inspect(probe))
        self.predictions = None if grid is None else readonly(model.predict(grid))
        self.params = readonly_mapping(model.params)

    def forget_look(self) -> None:
        """The model can no longer be looked at (it raised): show nothing rather than stale."""
        self.inspection = MappingProxyType({})
        self.predictions = None
        self.params = MappingProxyType({})

    def evaluate(self, model: Model, step: int, data: Splits) -> None:
        """Accuracies and validation loss at `step` (passes over whole splits)."""
        self.train_accuracy = float(model.accuracy(data.X_train, data.y_train))
        self.train_accuracy_curve.add(step, self.train_accuracy)
        if len(data.X_val):
            val_loss, _ = model.loss_and_grads(data.X_val, data.y_val)
            self.val_accuracy = float(model.accuracy(data.X_val, data.y_val))
            self.val_loss.add(step, float(val_loss))
            self.val_accuracy_curve.add(step, self.val_accuracy)

    def published(self) -> dict[str, Any]:
        """The Snapshot fields this history fills, as read-only copies."""
        loss_steps, train_loss = self.loss.published()
        eval_steps, val_loss = self.val_loss.published()
        train_acc_steps, train_acc = self.train_accuracy_curve.published()
        _, val_acc = self.val_accuracy_curve.published()
        if len(val_loss) == 0:
            eval_steps = train_acc_steps  # no validation split: evaluations still happen
        return {
            "loss_steps": loss_steps,
            "train_loss": train_loss,
            "eval_steps": eval_steps,
            "val_loss": val_loss,
            "train_accuracy_curve": train_acc,
            "val_accuracy_curve": val_acc,
            "train_accuracy": self.train_accuracy,
            "val_accuracy": self.val_accuracy,
            "inspection": self.inspection,
            "predictions": self.predictions,
            "params": self.params,
        }

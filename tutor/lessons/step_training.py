"""step-training: one key = one gradient-descent step, with its real numbers.

A small tanh MLP learns the slide's data with plain SGD on the whole
training set, so each step is exactly the slide's four stages: predict,
score the loss, backpropagate (a gradient per layer), update every weight
by -lr x its gradient. `StepReport` holds those numbers; the widget builds
it from the two snapshots around a step (`report_between`), the truth test
also from the model itself (`take_step`), and both must agree.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from tutor.lessons.plane import Plane
from tutor.lessons.runs import (
    ModelFactory,
    RunSpec,
    mlp_factory,
    param_float,
    param_ints,
    param_str,
)
from tutor.nn.base import Model, OptimizerConfig
from tutor.nn.datasets import Dataset, make_dataset
from tutor.nn.snapshot import Snapshot

FULL_BATCH = 1 << 30
"""A batch size larger than any training split: every step sees all of it."""


@dataclass(frozen=True)
class Settings:
    data: str = "moons"
    hidden: tuple[int, ...] = (8,)
    lr: float = 0.5
    points: int = 300
    steps: int = 1500
    """Budget when running: about 98% validation accuracy on moons by then."""

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Settings:
        return cls(data=param_str(params, "data", cls.data),
                   hidden=param_ints(params, "hidden", cls.hidden),
                   lr=param_float(params, "lr", cls.lr))

    @property
    def sizes(self) -> tuple[int, ...]:
        return (2, *self.hidden, 1)


def dataset(settings: Settings, seed: int = 0) -> Dataset:
    return make_dataset(settings.data, n=settings.points, seed=seed)


def build(settings: Settings) -> ModelFactory:
    """Plain SGD, no weight decay, no dropout: the update is exactly -lr x gradient."""
    return mlp_factory(settings.sizes, activation="tanh",
                       optimizer=OptimizerConfig(kind="sgd", lr=settings.lr))


def run(settings: Settings, data: Dataset) -> RunSpec:
    return RunSpec("step-training", build(settings), data, FULL_BATCH,
                   settings.steps, steps_per_chunk=5, plane=Plane.around(data))


@dataclass(frozen=True)
class StepReport:
    """The four stages of one step, per layer where it applies."""

    step: int
    """The step number after the step."""
    example: tuple[float, float]
    """The first probe point (x1, x2) ..."""
    label: int
    """... its true class ..."""
    predicted: float
    """... and the model's P(class 1) for it before the step."""
    loss: float
    """Mean loss over the training set before the step."""
    grad_norms: tuple[float, ...]
    """|dL/d(W, b)| of each layer."""
    update_norms: tuple[float, ...]
    """|change of (W, b)| of each layer."""
    lr: float
    loss_after: float = math.nan
    """The same loss after the step (nan when unknown)."""
    steps: int = 1
    """Steps between the two snapshots (1 for one step; more while running)."""

    @property
    def layers(self) -> int:
        return len(self.grad_norms)


def layer_norms(values: Mapping[str, np.ndarray], layers: int) -> tuple[float, ...]:
    """|(W_l, b_l)| for l = 0..layers-1 of an MLP's named arrays."""
    return tuple(
        float(np.sqrt(np.sum(np.square(values[f"W{k}"], dtype=np.float64))
                      + np.sum(np.square(values[f"b{k}"], dtype=np.float64))))
        for k in range(layers))


def take_step(model: Model, X: np.ndarray, y: np.ndarray, probe: np.ndarray,
              probe_label: int, step: int = 1) -> StepReport:
    """One SGD step on (X, y), measured on the model directly; `step` is the
    number this step gets (1 for a fresh model)."""
    before = model.params
    layers = len([name for name in before if name.startswith("W")])
    before = model.params
    predicted = float(model.predict(probe[:1])[0])
    loss, grads = model.loss_and_grads(X, y)
    model.step(X, y)
    after = model.params
    loss_after, _ = model.loss_and_grads(X, y)
    change = {name: after[name] - before[name] for name in before}
    return StepReport(
        step=step, example=(float(probe[0, 0]), float(probe[0, 1])),
        label=probe_label, predicted=predicted, loss=float(loss),
        grad_norms=layer_norms(grads, layers), update_norms=layer_norms(change, layers),
        lr=model.lr, loss_after=float(loss_after))


def report_between(before: Snapshot, after: Snapshot, data: Dataset) -> StepReport | None:
    """The report of the step(s) that led from `before` to `after`, two
    snapshots of one trainer; None unless `after` is later and both have
    parameters. Over several steps the loss and gradient are the last step's
    and the update is the sum of them all."""
    if after.step <= before.step or not before.params or not after.params:
        return None
    layers = len(after.inspection["grad_norm_per_layer"])
    change = {name: after.params[name] - before.params[name] for name in after.params}
    outputs = before.inspection.get("outputs")
    # a full-batch loss curve: the step's loss is the loss before the update
    loss = float(after.train_loss[-1]) if len(after.train_loss) else math.nan
    return StepReport(
        step=after.step, example=(float(data.X_val[0, 0]), float(data.X_val[0, 1])),
        label=int(data.y_val[0]),
        predicted=math.nan if outputs is None else float(outputs[0]),
        loss=loss,
        grad_norms=tuple(float(g) for g in after.inspection["grad_norm_per_layer"]),
        update_norms=layer_norms(change, layers), lr=after.lr, steps=after.step - before.step)


class LossAt:
    """The training-set loss at given parameters, on a private model (never
    the trainer's): what "again" shows after a step. Thread-safe."""

    def __init__(self, settings: Settings, data: Dataset) -> None:
        self._build = build(settings)
        self._data = data
        self._model: Model | None = None
        self._lock = threading.Lock()

    def __call__(self, params: Mapping[str, np.ndarray]) -> float:
        with self._lock:
            if self._model is None:
                self._model = self._build(0)
            self._model.params = params
            loss, _ = self._model.loss_and_grads(self._data.X_train, self._data.y_train)
            return float(loss)


def describe(report: StepReport) -> list[str]:
    """The four stages as text lines, with the real numbers."""
    x1, x2 = report.example
    lines = [
        f"1 predict   x = ({x1:+.2f}, {x2:+.2f})   ŷ = {report.predicted:.3f}   y = {report.label}",
        f"2 loss      L = {report.loss:.4f}  (mean over the training set)",
        "3 backprop  gradient size per layer " + "  ".join(f"{g:.4f}" for g in report.grad_norms),
        "4 update    step size per layer     " + "  ".join(f"{u:.4f}" for u in report.update_norms)
        + (f"   (η = {report.lr:g})" if report.steps == 1
           else f"   (last {report.steps} steps)"),
    ]
    if not math.isnan(report.loss_after):
        lines.append(f"  again     L = {report.loss_after:.4f}  (was {report.loss:.4f})")
    return lines

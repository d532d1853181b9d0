"""simple-vs-deep: logistic regression on hand-made features (x^2, y^2)
against an MLP on the raw (x, y), both on the same points.

On circles the hand-made features turn the round boundary into a straight
line, so three parameters do what the MLP needs hundreds for. The lesson is
a table: accuracy, parameter count, steps to 95% and wall time per model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tutor.lessons.plane import Plane
from tutor.lessons.runs import ModelFactory, RunSpec, mlp_factory, param_ints, param_str
from tutor.nn.base import Model, OptimizerConfig
from tutor.nn.datasets import Dataset, make_dataset
from tutor.nn.snapshot import Snapshot

TARGET = 0.95
"""The validation accuracy both models are expected to reach."""


@dataclass(frozen=True)
class Settings:
    data: str = "circles"
    hidden: tuple[int, ...] = (16, 16)
    points: int = 300
    steps: int = 400
    """Training steps of each model (about a second on screen)."""
    batch_size: int = 32

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Settings:
        return cls(data=param_str(params, "data", cls.data),
                   hidden=param_ints(params, "hidden", cls.hidden))


def squared_features(optimizer: OptimizerConfig) -> ModelFactory:
    """seed -> logistic regression on x^2, y^2 (imported in the trainer's thread)."""

    def build(seed: int) -> Model:
        from tutor.lessons.features import SquaredFeatures

        return SquaredFeatures(optimizer, seed)

    return build


def dataset(settings: Settings, seed: int = 0) -> Dataset:
    return make_dataset(settings.data, n=settings.points, seed=seed)


def runs(settings: Settings, data: Dataset) -> tuple[RunSpec, RunSpec]:
    """(logistic regression on x^2, y^2; MLP on x, y), sharing data and plane."""
    area = Plane.around(data)

    def spec(name: str, build: ModelFactory) -> RunSpec:
        return RunSpec(name, build, data, settings.batch_size, settings.steps,
                       steps_per_chunk=10, plane=area)

    sizes = (2, *settings.hidden, 1)
    simple = spec("logistic x², y²",
                  squared_features(OptimizerConfig(kind="adam", lr=0.1)))
    deep = spec("MLP " + "-".join(map(str, sizes)),
                mlp_factory(sizes, activation="relu",
                            optimizer=OptimizerConfig(kind="adam", lr=0.01)))
    return simple, deep


@dataclass(frozen=True)
class Row:
    """One line of the comparison table."""

    name: str
    n_params: int
    accuracy: float
    """Validation accuracy at the latest evaluation."""
    steps_to_target: int | None
    """First evaluated step with validation accuracy >= TARGET (None: not yet)."""
    wall_time: float
    """Seconds the trainer ran, drawing included."""
    step: int
    step_seconds: float = math.nan
    """Median seconds of one training step alone (`seconds_per_step`)."""

    @property
    def time_to_target(self) -> float:
        """Training time to reach TARGET: steps x seconds per step (nan if unknown)."""
        if self.steps_to_target is None:
            return math.nan
        return self.steps_to_target * self.step_seconds


def row(name: str, snapshot: Snapshot, step_seconds: float = math.nan) -> Row:
    reached = np.flatnonzero(snapshot.val_accuracy_curve >= TARGET)
    return Row(
        name=name,
        n_params=sum(int(np.size(v)) for v in snapshot.params.values()),
        accuracy=float(snapshot.val_accuracy),
        steps_to_target=int(snapshot.eval_steps[reached[0]]) if len(reached) else None,
        wall_time=snapshot.wall_time,
        step=snapshot.step,
        step_seconds=step_seconds,
    )


def verdict(rows: Sequence[Row]) -> str:
    """One sentence on the table, once both models have results."""
    simple, deep = rows
    if math.isnan(simple.accuracy) or math.isnan(deep.accuracy):
        return "training both models…"
    if simple.accuracy >= TARGET and deep.accuracy >= TARGET:
        ratio = deep.n_params / max(simple.n_params, 1)
        return (f"both reach {TARGET:.0%}: {simple.n_params} parameters against "
                f"{deep.n_params} ({ratio:.0f}x as many)")
    if deep.accuracy >= TARGET:
        return "the hand-made features don't fit this data: only the MLP gets there"
    return "still learning…"

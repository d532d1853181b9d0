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
from tutor.lessons.runs import ModelFactory, RunSpec, param_ints, param_str
from tutor.nn.base import OptimizerConfig
from tutor.nn.datasets import Dataset, make_dataset
from tutor.nn.models.logistic import LogisticRegression, LogisticRegressionConfig
from tutor.nn.models.mlp import MLP, MLPConfig
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


class SquaredFeatures(LogisticRegression):
    """Logistic regression that sees only x^2 and y^2: weights (2, 1) and a
    bias, the 2 + 1 = 3 parameters of the slide."""

    def __init__(self, optimizer: OptimizerConfig, seed: int = 0) -> None:
        super().__init__(LogisticRegressionConfig(n_inputs=2, optimizer=optimizer), seed)

    def features(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"X must be (N, 2), got {X.shape}")
        return X * X


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
                  lambda seed: SquaredFeatures(OptimizerConfig(kind="adam", lr=0.1), seed))
    deep = spec("MLP " + "-".join(map(str, sizes)),
                lambda seed: MLP(MLPConfig(sizes=sizes, activation="relu",
                                           optimizer=OptimizerConfig(kind="adam", lr=0.01)),
                                 seed))
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

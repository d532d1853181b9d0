"""linear-vs-nonlinear: the same deep net trained twice on data that needs a
curve, once with identity activations and once with ReLU.

Without activations every layer is linear, so the whole net is one linear
map and its boundary a straight line: on circles it stays near chance. With
ReLU the boundary bends around the inner ring. Both facts are measured on
the plane the widget draws: accuracy, and whether one straight line
separates the predicted classes on the grid.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from tutor.lessons.plane import Plane
from tutor.lessons.runs import RunSpec, mlp_factory, param_int, param_str
from tutor.nn.base import OptimizerConfig
from tutor.nn.datasets import Dataset, make_dataset
from tutor.nn.snapshot import Snapshot

LINEAR_CEILING = 0.65
"""Validation accuracy the linear net stays under on data that needs a curve."""
BENT_FLOOR = 0.95
"""Validation accuracy the ReLU net reaches."""
ACTIVATIONS = ("identity", "relu")


@dataclass(frozen=True)
class Settings:
    data: str = "circles"
    layers: int = 3
    width: int = 8
    points: int = 400
    val_fraction: float = 0.5
    """Half the points are held out: 200 validation points keep the accuracy
    of a chance-level model close to 50% (60 would let it wander to 65%)."""
    steps: int = 300
    """ReLU is done by then; the linear net only wanders further along the
    ring (a line can cut off a slice of it: about 62% at best)."""
    batch_size: int = 32

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Settings:
        return cls(data=param_str(params, "data", cls.data),
                   layers=param_int(params, "layers", cls.layers),
                   width=param_int(params, "width", cls.width))

    @property
    def sizes(self) -> tuple[int, ...]:
        return (2, *([self.width] * self.layers), 1)


def dataset(settings: Settings, seed: int = 0) -> Dataset:
    return make_dataset(settings.data, n=settings.points, seed=seed,
                        val_fraction=settings.val_fraction)


def plane(data: Dataset) -> Plane:
    return Plane.around(data)


def runs(settings: Settings, data: Dataset) -> tuple[RunSpec, RunSpec]:
    """(identity net, ReLU net): same sizes, optimizer, data and plane."""
    area = plane(data)

    def spec(activation: str) -> RunSpec:
        build = mlp_factory(settings.sizes, activation=activation,
                           optimizer=OptimizerConfig(kind="adam", lr=0.01))
        return RunSpec(activation, build, data, settings.batch_size,
                       settings.steps, steps_per_chunk=10, eval_every=20, plane=area)

    return spec("identity"), spec("relu")


@dataclass(frozen=True)
class Outcome:
    activation: str
    accuracy: float
    straight: bool | None
    """One line separates the predicted classes on the plane (None: no prediction yet)."""


def outcome(activation: str, snapshot: Snapshot, area: Plane) -> Outcome:
    straight = (None if snapshot.predictions is None
                else area.boundary_is_straight(np.asarray(snapshot.predictions)))
    return Outcome(activation, float(snapshot.val_accuracy), straight)


def describe(result: Outcome) -> str:
    """e.g. "relu: 99%, bent" (short: it titles half a terminal)."""
    if math.isnan(result.accuracy):
        return f"{result.activation}: starting"
    shape = {True: ", a straight line", False: ", bent", None: ""}[result.straight]
    return f"{result.activation}: {result.accuracy:.0%}{shape}"


def shown(linear: Outcome, bent: Outcome) -> bool:
    """The lesson is on screen: a straight line near chance next to a bent, accurate boundary."""
    return (linear.straight is True and linear.accuracy <= LINEAR_CEILING
            and bent.straight is False and bent.accuracy >= BENT_FLOOR)

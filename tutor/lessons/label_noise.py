"""label-noise: flip a share of the training labels, watch test accuracy fall.

The same net trains on the same points with 0%, 10%, ... 50% of the
training labels flipped to another class; the test set (the validation
split) keeps its true labels. A flexible net trained long enough learns the
wrong labels faithfully, so test accuracy follows the share down. Each share
is trained on SEEDS seeds (different data, weights and flips) and the table
shows the mean.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import pairwise
from types import MappingProxyType

import numpy as np

from tutor.lessons.plane import Plane
from tutor.lessons.runs import RunSpec, mlp_factory, param_float, param_str
from tutor.nn.base import OptimizerConfig
from tutor.nn.datasets import Dataset, make_dataset
from tutor.nn.datasets.dataset import frozen

SHARES: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
"""The shares a key steps through."""
SEEDS = 3
TEST_POINTS = 400


@dataclass(frozen=True)
class Settings:
    noise: float = 0.2
    """Share of training labels flipped."""
    data: str = "moons"
    points: int = 200
    """Training points (the test set has TEST_POINTS more)."""
    hidden: tuple[int, ...] = (32, 32)
    steps: int = 1000

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Settings:
        return cls(noise=param_float(params, "noise", cls.noise),
                   data=param_str(params, "data", cls.data))


def clean_dataset(settings: Settings, seed: int = 0) -> Dataset:
    total = settings.points + TEST_POINTS
    return make_dataset(settings.data, n=total, noise=0.1, seed=seed,
                        val_fraction=TEST_POINTS / total)


def flip_labels(data: Dataset, share: float, seed: int = 0) -> Dataset:
    """`data` with exactly round(share * n_train) training labels changed to
    another class (chosen by `seed`); info["flipped"] marks them."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be in [0, 1], got {share}")
    rng = np.random.default_rng(seed)
    y = np.array(data.y_train)
    flipped = np.zeros(len(y), dtype=bool)
    flipped[rng.choice(len(y), size=round(share * len(y)), replace=False)] = True
    classes = max(data.n_classes, 2)
    # a shift of 1..C-1 classes always lands on a different class
    y[flipped] = (y[flipped] + rng.integers(1, classes, size=int(flipped.sum()))) % classes
    info = {**data.info, "flipped": frozen(flipped), "share": share}
    return replace(data, y_train=frozen(y), info=MappingProxyType(info))


def dataset(settings: Settings, share: float, seed: int = 0) -> Dataset:
    return flip_labels(clean_dataset(settings, seed), share, seed)


def run(settings: Settings, data: Dataset) -> RunSpec:
    build = mlp_factory((2, *settings.hidden, 1), activation="relu",
                       optimizer=OptimizerConfig(kind="adam", lr=0.01))
    share = float(data.info.get("share", 0.0))
    return RunSpec(f"{share:.0%} flipped", build, data, 32,
                   settings.steps, steps_per_chunk=20, eval_every=50,
                   plane=Plane.around(data))


class NoiseTable:
    """Test accuracy per share of flipped labels, over seeds."""

    def __init__(self) -> None:
        self._accuracy: dict[float, dict[int, float]] = {}

    def record(self, share: float, seed: int, accuracy: float) -> None:
        self._accuracy.setdefault(share, {})[seed] = accuracy

    def seeds_done(self, share: float) -> int:
        return len(self._accuracy.get(share, {}))

    def seeds(self, share: float) -> set[int]:
        """The seeds recorded for `share`."""
        return set(self._accuracy.get(share, {}))

    def mean(self, share: float) -> float:
        values = list(self._accuracy.get(share, {}).values())
        return float(np.mean(values)) if values else math.nan

    def rows(self) -> list[tuple[float, float, int]]:
        """(share, mean test accuracy, seeds) for every share tried, by share."""
        return [(share, self.mean(share), self.seeds_done(share))
                for share in sorted(self._accuracy)]

    def falls(self) -> bool:
        """Mean test accuracy drops from each share tried to the next higher
        (needs at least two shares with every seed done)."""
        complete = [(s, m) for s, m, n in self.rows() if n >= SEEDS]
        return len(complete) >= 2 and all(
            later < earlier for (_, earlier), (_, later) in pairwise(complete))

    def describe(self) -> str:
        parts = [f"{share:.0%}: {mean:.0%}" + ("" if n >= SEEDS else f" ({n}/{SEEDS})")
                 for share, mean, n in self.rows()]
        text = "test accuracy by share flipped  " + "  ".join(parts)
        if self.falls():
            text += "  — it falls as the labels get worse"
        return text

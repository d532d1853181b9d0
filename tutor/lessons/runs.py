"""One training run as a demo shows it, and the same run trained headless.

`RunSpec` holds what a `Trainer` is built from (model factory, data, batch
size, step budget, evaluation cadence, the grid a boundary is drawn on).
`simulate` trains it in the calling thread through the engine's
`train_headless`, which drives a run exactly as the trainer's worker does
(mini-batch order, chunks, divergence rule, evaluations), and returns the
`Snapshot` the trainer would publish at the end. Lessons measure
snapshots, whichever of the two produced them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.lessons.plane import Plane
from tutor.nn.base import Model, OptimizerConfig
from tutor.nn.datasets import Dataset
from tutor.nn.run import train_headless
from tutor.nn.snapshot import Snapshot
from tutor.nn.splits import MiniBatches, Splits

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
    plane: Plane | None = None
    """Where the decision boundary is drawn: its points are the trainer's grid."""
    kernels: tuple[str, ...] = ("mlp",)
    """Warm-up groups this model needs (logistic regression runs on the MLP kernels)."""

    @property
    def grid(self) -> np.ndarray | None:
        """(G, 2) inputs whose predictions draw the decision boundary."""
        return None if self.plane is None else self.plane.points

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


def mlp_factory(sizes: tuple[int, ...], optimizer: OptimizerConfig, **config: Any) -> ModelFactory:
    """seed -> an MLP of `sizes` (`config`: the other MLPConfig fields).

    The model module (and with it numba) is imported only when the factory
    is called, in the trainer's worker thread: opening a demo never waits
    for the engine to load on the UI thread."""

    def build(seed: int) -> Model:
        from tutor.nn.models.mlp import MLP, MLPConfig

        return MLP(MLPConfig(sizes=sizes, optimizer=optimizer, **config), seed)

    return build


def simulate(spec: RunSpec, seed: int = 0, steps: int | None = None) -> Snapshot:
    """Train `spec` in this thread for `steps` (default: its budget) exactly as
    its `Trainer` would, and return the snapshot the trainer would publish."""
    budget = spec.max_steps if steps is None else steps
    if budget is None:
        raise ValueError(f"{spec.name}: no step budget")
    kwargs = spec.trainer_kwargs()
    del kwargs["kernels"], kwargs["name"]
    return train_headless(spec.build, spec.dataset, steps=budget, seed=seed, **kwargs)


def seconds_per_step(spec: RunSpec, seed: int = 0, steps: int = 200) -> float:
    """Median time of one training step of `spec`'s model (its batch size,
    no evaluation): what training costs, apart from what is drawn."""
    model = spec.build(seed)
    data = Splits.of(spec.dataset)
    batches = MiniBatches(data.X_train, data.y_train, spec.batch_size, seed)
    model.step(*batches.next())  # the first call may load kernels
    times = np.empty(steps)
    for k in range(steps):
        X, y = batches.next()
        start = time.perf_counter()
        model.step(X, y)
        times[k] = time.perf_counter() - start
    return float(np.median(times))


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

"""hyperparameter-lab: knobs, a results table, and a small automatic search.

The learner sets learning rate (and its schedule), batch size and dropout;
every run trains a 2-32-32-3 ReLU net with momentum SGD on a noisy spiral
for a fixed budget and lands in the session's `Results`. A `Search` plans
at most 9 runs over two knobs (a 3 x 3 grid, or 9 random draws) and is fed
the results one by one, so the widget can run it in the background and show
its progress. Everything here is pure bookkeeping plus the run factory.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from tutor.lessons.plane import Plane
from tutor.lessons.runs import RunSpec, best_val, mlp_factory, param_float, param_int, param_str
from tutor.nn.base import OptimizerConfig, ScheduleKind
from tutor.nn.datasets import Dataset, make_dataset
from tutor.nn.snapshot import Snapshot

LADDERS: dict[str, tuple[float, ...]] = {
    "lr": (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0),
    "batch": (8, 16, 32, 64, 128),
    "dropout": (0.0, 0.1, 0.2, 0.3, 0.5),
}
"""The values a knob key steps through."""
SCHEDULES: tuple[ScheduleKind, ...] = ("constant", "step", "cosine")
SEARCH_KNOBS: tuple[str, str] = ("lr", "dropout")
MAX_RUNS = 9


@dataclass(frozen=True)
class Knobs:
    """The hyperparameters of one run."""

    lr: float = 0.1
    schedule: ScheduleKind = "cosine"
    batch: int = 32
    dropout: float = 0.2

    def describe(self) -> str:
        return (f"lr {self.lr:g} {self.schedule}, batch {self.batch}, "
                f"dropout {self.dropout:g}")

    def stepped(self, name: str, direction: int) -> Knobs:
        """The next (direction +1) or previous (-1) value of one knob on its
        ladder; a value between rungs moves to the nearest rung that way."""
        if name == "schedule":
            index = SCHEDULES.index(self.schedule)
            return replace(self, schedule=SCHEDULES[(index + direction) % len(SCHEDULES)])
        ladder = LADDERS[name]
        current = float(getattr(self, name))
        if direction > 0:
            above = [v for v in ladder if v > current * (1 + 1e-9)]
            value = above[0] if above else ladder[-1]
        else:
            below = [v for v in ladder if v < current * (1 - 1e-9)]
            value = below[-1] if below else ladder[0]
        return self.with_value(name, value)

    def with_value(self, name: str, value: float) -> Knobs:
        """A copy with one numeric knob (lr, batch or dropout) set."""
        changes: dict[str, Any] = {name: round(value) if name == "batch" else float(value)}
        return replace(self, **changes)


@dataclass(frozen=True)
class Settings:
    knobs: Knobs = field(default_factory=Knobs)
    data: str = "spiral"
    points: int = 300
    steps: int = 600
    """Steps per run: a run takes well under a second of one core."""

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Settings:
        base = Knobs()
        knobs = Knobs(lr=param_float(params, "lr", base.lr),
                      schedule=param_str(params, "schedule", base.schedule),  # type: ignore[arg-type]
                      batch=param_int(params, "batch", base.batch),
                      dropout=param_float(params, "dropout", base.dropout))
        return cls(knobs=knobs, data=param_str(params, "data", cls.data))


def dataset(settings: Settings, seed: int = 0) -> Dataset:
    """Half the points for validation: every run is judged on the same 150."""
    return make_dataset(settings.data, n=settings.points, seed=seed, val_fraction=0.5)


def run(settings: Settings, data: Dataset, knobs: Knobs) -> RunSpec:
    classes = max(data.n_classes, 2)
    build = mlp_factory(
        (2, 32, 32, 1 if classes == 2 else classes), activation="relu",
        loss="bce" if classes == 2 else "cross_entropy", dropout=knobs.dropout,
        optimizer=OptimizerConfig(kind="momentum", lr=knobs.lr, schedule=knobs.schedule,
                                  total_steps=settings.steps, step_size=settings.steps // 3))
    return RunSpec(knobs.describe(), build, data, knobs.batch,
                   settings.steps, steps_per_chunk=20, eval_every=20,
                   plane=Plane.around(data, rows=24, cols=40))


@dataclass(frozen=True)
class Result:
    """One row of the results table."""

    knobs: Knobs
    best_val: float
    best_step: int
    steps: int
    seconds: float
    state: str

    @classmethod
    def of(cls, knobs: Knobs, snapshot: Snapshot) -> Result:
        step, value = best_val(snapshot)
        return cls(knobs, value, step, snapshot.step, snapshot.wall_time, snapshot.state)


class Results:
    """Every run of the session, in the order they finished."""

    def __init__(self) -> None:
        self.rows: list[Result] = []

    def add(self, result: Result) -> None:
        self.rows.append(result)

    @property
    def best(self) -> Result | None:
        scored = [r for r in self.rows if math.isfinite(r.best_val)]
        return min(scored, key=lambda r: r.best_val) if scored else None

    def table(self) -> list[tuple[str, ...]]:
        """Rows of text: #, lr, schedule, batch, dropout, best val loss, at step, steps, time."""
        best = self.best
        lines: list[tuple[str, ...]] = []
        for number, r in enumerate(self.rows, 1):
            k = r.knobs
            value = f"{r.best_val:.3f}" if math.isfinite(r.best_val) else r.state
            lines.append((f"{number}{'*' if r is best else ''}", f"{k.lr:g}", k.schedule,
                          str(k.batch), f"{k.dropout:g}", value, str(r.best_step),
                          str(r.steps), f"{r.seconds:.1f}s"))
        return lines


TABLE_HEADER = ("#", "lr", "schedule", "batch", "dropout", "best val", "at", "steps", "time")


class Search:
    """A planned sweep over two knobs, fed results one at a time.

    "grid": the base value, one rung below and one above on each knob's
    ladder (3 x 3). "random": MAX_RUNS draws, the learning rate log-uniform
    over its ladder's range, others uniform, each knob seeing MAX_RUNS values.
    """

    def __init__(self, base: Knobs, kind: Literal["grid", "random"] = "grid",
                 knobs: tuple[str, str] = SEARCH_KNOBS, seed: int = 0) -> None:
        self.kind = kind
        self.knobs = knobs
        self.plan: list[Knobs] = (_grid(base, knobs) if kind == "grid"
                                  else _random(base, knobs, np.random.default_rng(seed)))
        self.results: list[Result] = []

    @property
    def progress(self) -> tuple[int, int]:
        return len(self.results), len(self.plan)

    @property
    def done(self) -> bool:
        return len(self.results) >= len(self.plan)

    def next(self) -> Knobs | None:
        """The settings of the next run to train (None once all are done)."""
        return None if self.done else self.plan[len(self.results)]

    def record(self, result: Result) -> None:
        self.results.append(result)

    @property
    def best(self) -> Result | None:
        scored = [r for r in self.results if math.isfinite(r.best_val)]
        return min(scored, key=lambda r: r.best_val) if scored else None

    def describe(self) -> str:
        done, total = self.progress
        a, b = self.knobs
        text = f"{self.kind} search over {a} x {b}: {done} of {total} runs"
        best = self.best
        if best is not None:
            text += f"; best so far {a} {getattr(best.knobs, a):g}, {b} " \
                    f"{getattr(best.knobs, b):g} (val {best.best_val:.3f})"
        return text


def _neighbours(knobs: Knobs, name: str) -> list[float]:
    values = [float(getattr(knobs.stepped(name, d), name)) for d in (-1, 0, 1)]
    values[1] = float(getattr(knobs, name))
    return sorted(set(values))


def _grid(base: Knobs, names: Sequence[str]) -> list[Knobs]:
    a, b = names
    return [base.with_value(a, va).with_value(b, vb)
            for va in _neighbours(base, a) for vb in _neighbours(base, b)][:MAX_RUNS]


def _random(base: Knobs, names: Sequence[str], rng: np.random.Generator) -> list[Knobs]:
    def draw(name: str) -> float:
        low, high = LADDERS[name][0], LADDERS[name][-1]
        if name == "lr":
            return float(10 ** rng.uniform(math.log10(low), math.log10(high)))
        return float(rng.uniform(low, high))

    plan = []
    for _ in range(MAX_RUNS):
        knobs = base
        for name in names:
            knobs = knobs.with_value(name, float(f"{draw(name):.3g}"))
        plan.append(knobs)
    return plan

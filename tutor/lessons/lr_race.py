"""lr-race: the same model trained at several learning rates, side by side.

The race runs on the slide's own valley. A linear model with a squared-error
loss on inputs that are whitened (zero mean, identity covariance) has the
loss surface (w - w*)^2 + floor in every direction, with slope 2(w - w*); so
one plain SGD step multiplies the distance to the bottom by (1 - 2 lr)
exactly as in the slide's table: 0.98 at lr 0.01 (crawls), 0.4 at 0.3
(done in a few steps), -1.2 at 1.1 (jumps past the bottom, higher each time:
diverges). Full batch, so the curves show the rate and nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from tutor.lessons.runs import RunSpec, mlp_factory, param_floats
from tutor.nn.base import OptimizerConfig
from tutor.nn.datasets import Dataset
from tutor.nn.datasets.dataset import frozen
from tutor.nn.snapshot import Snapshot

FULL_BATCH = 1 << 30


@dataclass(frozen=True)
class Settings:
    rates: tuple[float, ...] = (0.01, 0.3, 1.1)
    points: int = 200
    noise: float = 0.1
    """Noise on the targets: the valley floor, so log-scale curves stay finite."""
    steps: int = 100

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Settings:
        return cls(rates=param_floats(params, "rates", cls.rates))


BOTTOM = (1.0, -0.5, 0.5)
"""(w1, w2, b) at the bottom of the valley; every run starts at (0, 0, 0)."""


def dataset(settings: Settings, seed: int = 0) -> Dataset:
    """Targets y = w*.x + b* + noise on whitened Gaussian inputs: the training
    inputs have mean 0 and identity covariance exactly, the validation
    inputs are moved by the same map."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((settings.points, 2))
    held_out = max(1, settings.points // 5)
    train = X[held_out:]
    mean = train.mean(axis=0)
    # L L^T = covariance, so L^-1 (x - mean) has identity covariance
    chol = np.linalg.cholesky(np.cov((train - mean).T, bias=True))
    X = np.linalg.solve(chol, (X - mean).T).T
    *w, b = BOTTOM
    y = X @ np.asarray(w) + b + settings.noise * rng.standard_normal(len(X))
    return Dataset(
        name="valley",
        X_train=frozen(X[held_out:].astype(np.float32)),
        y_train=frozen(y[held_out:].astype(np.float32)),
        X_val=frozen(X[:held_out].astype(np.float32)),
        y_val=frozen(y[:held_out].astype(np.float32)),
        n_classes=0,
        input_shape=(2,),
    )


def runs(settings: Settings, data: Dataset) -> list[RunSpec]:
    """One run per rate: the same linear model, starting at w = 0, b = 0."""

    def spec(rate: float) -> RunSpec:
        build = mlp_factory((2, 1), activation="identity", loss="mse", init_scale=0.0,
                           optimizer=OptimizerConfig(kind="sgd", lr=rate))
        return RunSpec(f"lr {rate:g}", build, data, FULL_BATCH,
                       settings.steps, steps_per_chunk=1, eval_every=5)

    return [spec(rate) for rate in settings.rates]


def factor(rate: float) -> float:
    """What one step does to the distance from the bottom of the valley."""
    return 1.0 - 2.0 * rate


@dataclass(frozen=True)
class Lane:
    rate: float
    first_loss: float
    final_loss: float
    state: str
    verdict: str
    """"lowest", "crawls", "overshoots" or "diverges" (see `lanes`)."""


def lanes(rates: Sequence[float], snapshots: Sequence[Snapshot]) -> list[Lane]:
    """Each run's verdict. "diverges" when the loss grew (or the trainer
    stopped it); "lowest" for the lowest final loss of the others (the
    first down, of those that all reached the floor);
    "overshoots" when each step jumps past the bottom (factor < 0) yet
    settles; "crawls" otherwise."""
    raw = []
    for rate, snap in zip(rates, snapshots, strict=True):
        losses = np.asarray(snap.train_loss, dtype=np.float64)
        first = float(losses[0]) if len(losses) else math.nan
        final = float(losses[-1]) if len(losses) else math.nan
        if snap.state == "diverged" or (len(losses) > 1 and not final <= first):
            verdict = "diverges"
        elif factor(rate) < 0:
            verdict = "overshoots"
        else:
            verdict = "crawls"
        raw.append(Lane(rate, first, final, snap.state, verdict))
    settled = [k for k, lane in enumerate(raw)
               if lane.verdict != "diverges" and math.isfinite(lane.final_loss)]
    if settled:
        floor = min(raw[k].final_loss for k in settled)
        # runs that all reached the floor (within 1%): the one that got there first
        tied = [k for k in settled if raw[k].final_loss <= floor * 1.01]
        best = min(tied, key=lambda k: _log_area(snapshots[k].train_loss))
        raw[best] = replace(raw[best], verdict="lowest")
    return raw


def _log_area(losses: np.ndarray) -> float:
    """Mean log loss over the run: lower for a run that got down sooner."""
    return float(np.mean(np.log(np.maximum(np.asarray(losses, np.float64), 1e-300))))


def label(lane: Lane) -> str:
    """Legend text, e.g. "η 1.1 diverges"."""
    return f"η {lane.rate:g} {lane.verdict}"


def factors_text(rates: Sequence[float]) -> str:
    """e.g. "per step the distance to the bottom is multiplied by 0.98, 0.4, -1.2"."""
    return "distance to the bottom x " + ", ".join(f"{factor(r):.2g}" for r in rates) + " a step"


def shown(race: Sequence[Lane]) -> bool:
    """The slide's lesson is on screen: the middle rate is lowest, the largest
    overshoots or diverges."""
    if len(race) < 3:
        return False
    ordered = sorted(race, key=lambda lane: lane.rate)
    return (ordered[len(ordered) // 2].verdict == "lowest"
            and ordered[-1].verdict in ("diverges", "overshoots"))

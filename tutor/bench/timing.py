"""Timing steps side by side: interleaved rounds, medians, the matmul
yardstick, and one workload's `Result` (engine vs numpy twin)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.bench.workloads import Setup, Workload

Step = Callable[[], Any]

MATHS_TOLERANCE = 1e-3
"""Largest relative loss/gradient difference of engine and twin (float32 rounding
is ~1e-6); beyond it the two do not compute the same thing and timing them is moot."""


@dataclass(frozen=True)
class Timing:
    """Seconds per step of each round (each round times a block of steps)."""

    per_step_s: tuple[float, ...]

    @property
    def median_us(self) -> float:
        return 1e6 * statistics.median(self.per_step_s)

    @property
    def min_us(self) -> float:
        return 1e6 * min(self.per_step_s)

    @property
    def max_us(self) -> float:
        return 1e6 * max(self.per_step_s)


def _seconds_per_step(step: Step, repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        step()
    return (time.perf_counter() - start) / repeats


def _block_size(step: Step, block_s: float) -> int:
    """Steps per block so one block lasts about `block_s` (timer noise vanishes)."""
    repeats = 1
    while True:
        elapsed = _seconds_per_step(step, repeats) * repeats
        if elapsed >= block_s / 4:
            return max(1, round(repeats * block_s / elapsed))
        repeats *= 2


def time_interleaved(
    steps: Sequence[Step], rounds: int, block_s: float, warmup_s: float
) -> list[Timing]:
    """Time every step once per round, the order rotating from round to round,
    so that a noisy moment of the machine hits all of them alike."""
    for step in steps:  # caches, buffers, BLAS threads, branch predictors
        deadline = time.perf_counter() + warmup_s
        while time.perf_counter() < deadline:
            step()
    blocks = [_block_size(step, block_s) for step in steps]
    samples: list[list[float]] = [[] for _ in steps]
    for round_ in range(rounds):
        for k in range(len(steps)):
            i = (k + round_) % len(steps)
            samples[i].append(_seconds_per_step(steps[i], blocks[i]))
    return [Timing(tuple(s)) for s in samples]


PEAK_MATMUL_SIZE = 768
"""Side of the square matrices whose product is the matmul yardstick."""


def _matmul_step(dtype: type) -> tuple[Step, float]:
    """One np.dot of two PEAK_MATMUL_SIZE square matrices, and its FLOPs."""
    n = PEAK_MATMUL_SIZE
    rng = np.random.default_rng(0)
    A: np.ndarray = rng.standard_normal((n, n)).astype(dtype)
    B: np.ndarray = rng.standard_normal((n, n)).astype(dtype)
    out: np.ndarray = np.empty((n, n), dtype=dtype)
    return (lambda: np.dot(A, B, out=out)), 2.0 * n**3


def _relative_difference(a: Any, b: Any) -> float:
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.linalg.norm(a64 - b64)) / max(float(np.linalg.norm(b64)), 1e-30)


def maths_difference(setup: Setup) -> float:
    """Largest relative difference of loss or any gradient between engine and twin
    at the shared starting weights: proof that both do the same maths."""
    engine_loss, engine_grads = setup.engine.loss_and_grads(setup.X, setup.y)
    twin_loss, twin_grads = setup.reference.loss_and_grads(setup.X, setup.y)
    differences = [_relative_difference(engine_loss, twin_loss)]
    differences += [_relative_difference(engine_grads[k], twin_grads[k]) for k in twin_grads]
    return max(differences)


@dataclass
class Result:
    workload: Workload
    engine: Timing
    numpy: Timing
    maths_difference: float
    dtype: str
    peak_gflops: float | None = None  # float64: the target's yardstick
    peak_gflops_same_dtype: float | None = None  # in the engine's dtype (float32 BLAS is ~2x)
    flops_per_step: float | None = None

    @property
    def speedup(self) -> float:
        return self.numpy.median_us / self.engine.median_us

    @property
    def achieved_gflops(self) -> float | None:
        if self.flops_per_step is None:
            return None
        return self.flops_per_step / (self.engine.median_us * 1e-6) / 1e9

    @property
    def peak_share(self) -> float | None:
        achieved = self.achieved_gflops
        return None if achieved is None or not self.peak_gflops else achieved / self.peak_gflops

    @property
    def peak_share_same_dtype(self) -> float | None:
        achieved = self.achieved_gflops
        if achieved is None or not self.peak_gflops_same_dtype:
            return None
        return achieved / self.peak_gflops_same_dtype

    @property
    def passed(self) -> bool:
        w = self.workload
        checks = [self.maths_difference < MATHS_TOLERANCE]
        if w.min_speedup is not None:
            checks.append(self.speedup >= w.min_speedup)
        if w.min_peak_share is not None:
            checks.append((self.peak_share or 0.0) >= w.min_peak_share)
        return all(checks)

    def as_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "name": self.workload.name,
            "engine_us": self.engine.median_us,
            "engine_us_min": self.engine.min_us,
            "engine_us_max": self.engine.max_us,
            "numpy_us": self.numpy.median_us,
            "numpy_us_min": self.numpy.min_us,
            "numpy_us_max": self.numpy.max_us,
            "speedup": self.speedup,
            "steps_per_s": 1e6 / self.engine.median_us,
            "rounds": len(self.engine.per_step_s),
            "dtype": self.dtype,
            "maths_rel_diff": self.maths_difference,
            "target": self.workload.target_text,
            "passed": self.passed,
        }
        if self.flops_per_step is not None:
            row["achieved_gflops"] = self.achieved_gflops
            row["peak_gflops"] = self.peak_gflops
            row["peak_share"] = self.peak_share
            row["peak_gflops_same_dtype"] = self.peak_gflops_same_dtype
            row["peak_share_same_dtype"] = self.peak_share_same_dtype
        return row


def run_workload(workload: Workload, rounds: int, block_s: float, warmup_s: float) -> Result:
    """Time one workload. Where FLOPs count, single-core matmuls (float64, and
    the engine's dtype) join the rounds: the peak is measured under the same
    conditions as the engine."""
    setup = workload.build(0)
    difference = maths_difference(setup)
    dtype = str(getattr(setup.engine, "dtype", "float64"))
    steps: list[Step] = [
        lambda: setup.engine.step(setup.X, setup.y),
        lambda: setup.reference.step(setup.X, setup.y),
    ]
    matmul_flops = 0.0
    if setup.flops_per_step is not None:
        yardsticks: list[type] = [np.float64]
        if dtype != "float64":
            yardsticks.append(np.dtype(dtype).type)
        for matmul_dtype in yardsticks:
            step, matmul_flops = _matmul_step(matmul_dtype)
            steps.append(step)
    timings = time_interleaved(steps, rounds, block_s, warmup_s)
    peaks = [matmul_flops / (t.median_us * 1e-6) / 1e9 for t in timings[2:]]
    return Result(
        workload, timings[0], timings[1], difference, dtype,
        peak_gflops=peaks[0] if peaks else None,
        peak_gflops_same_dtype=peaks[-1] if peaks else None,
        flops_per_step=setup.flops_per_step,
    )

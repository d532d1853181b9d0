"""`dltutor bench`: how fast the engine trains, measured against plain numpy.

For each workload the engine model and a plain vectorised numpy twin
(`tutor.bench_reference`) start from the same weights and train on the same
batch. Their full training steps (forward, backward, Adam update) are timed
in alternating rounds, so whatever else the machine is doing slows both
alike; the table reports medians, with the min-max range over rounds.

Also measured: the machine's single-core float64 matmul rate (the yardstick
of mlp-deep), the cold compile time of every kernel (a subprocess with an
empty cache) and, once the cache is filled, the time from import to the
first training step of each workload (one fresh subprocess each).

Usage: `dltutor bench [--json] [--quick] [--only NAME,...] [--no-compile] [--check]`
or `python -m tutor.bench ...`.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import io
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from tutor import bench_reference as reference

Step = Callable[[], Any]

COLD_COMPILE_TARGET_S = 20.0
WARM_FIRST_STEP_TARGET_S = 0.3
PEAK_SHARE_TARGET = 0.5
MATHS_TOLERANCE = 1e-3
"""Largest relative loss/gradient difference of engine and twin (float32 rounding
is ~1e-6); beyond it the two do not compute the same thing and timing them is moot."""


# ----------------------------------------------------------------------
# Workloads
# ----------------------------------------------------------------------


@dataclass
class Setup:
    """A workload ready to time: an engine model and its numpy twin, with
    identical weights, and the batch both train on."""

    engine: Any
    reference: Any
    X: np.ndarray
    y: np.ndarray
    flops_per_step: float | None = None  # forward + backward, where it is the target


@dataclass(frozen=True)
class Workload:
    name: str
    summary: str
    module: str
    """The engine module, imported first (its import time is reported apart)."""
    build: Callable[[int], Setup]
    """seed -> Setup; raises ImportError while the engine model does not exist."""
    min_speedup: float | None = None
    min_peak_share: float | None = None


def _share_weights(engine: Any, twin: Any) -> None:
    """Start the twin from the engine's weights (same names, same dtype)."""
    twin.params = {name: value.copy() for name, value in engine.params.items()}


def _mlp_flops(sizes: Sequence[int], n: int) -> float:
    """Forward 2*N*in*out per layer, backward twice that (dW and dX)."""
    return 6.0 * n * sum(a * b for a, b in itertools.pairwise(sizes))


def _mlp_setup(
    sizes: tuple[int, ...], activation: str, loss: str, n: int, seed: int, count_flops: bool = False
) -> Setup:
    from tutor.nn.base import OptimizerConfig
    from tutor.nn.models.mlp import MLP, MLPConfig

    config = MLPConfig(
        sizes=sizes, activation=activation, loss=loss, optimizer=OptimizerConfig("adam", lr=1e-3)
    )
    engine = MLP(config, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, sizes[0])).astype(engine.dtype)
    n_classes = 2 if loss == "bce" else sizes[-1]
    y = rng.integers(0, n_classes, size=n)
    twin = reference.MLPReference(sizes, activation, loss, lr=1e-3, dtype=engine.dtype, seed=seed)
    _share_weights(engine, twin)
    flops = _mlp_flops(sizes, n) if count_flops else None
    return Setup(engine, twin, X, y, flops)


def _cnn_setup(seed: int) -> Setup:
    from tutor.nn.base import OptimizerConfig
    from tutor.nn.models.cnn import TinyCNN, TinyCNNConfig

    size, filters, kernel, classes, batch = 8, 4, 3, 3, 64
    config = TinyCNNConfig(
        image_size=size, in_channels=1, n_filters=filters, kernel_size=kernel, padding="valid",
        n_classes=classes, optimizer=OptimizerConfig("adam", lr=1e-3),
    )
    engine = TinyCNN(config, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, 1, size, size)).astype(engine.dtype)
    y = rng.integers(0, classes, size=batch)
    twin = reference.CNNReference(size, 1, filters, kernel, classes, lr=1e-3, dtype=engine.dtype,
                                  seed=seed)
    _share_weights(engine, twin)
    return Setup(engine, twin, X, y)


def _gru_setup(seed: int) -> Setup:
    from tutor.nn.base import OptimizerConfig
    from tutor.nn.models.sequence import SequenceClassifier, SequenceClassifierConfig

    vocab, hidden, classes, length, batch = 4, 16, 4, 20, 64
    config = SequenceClassifierConfig(
        cell="gru", n_inputs=vocab, hidden=hidden, n_classes=classes,
        optimizer=OptimizerConfig("adam", lr=1e-3),
    )
    engine = SequenceClassifier(config, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.integers(0, vocab, size=(batch, length))
    y = X[:, length - 4]  # the token 3 steps before the last, as in the lesson
    twin = reference.GRUReference(vocab, hidden, classes, lr=1e-3, dtype=engine.dtype, seed=seed)
    _share_weights(engine, twin)
    return Setup(engine, twin, X, y)


def _attention_setup(seed: int) -> Setup:
    from tutor.nn.base import OptimizerConfig
    from tutor.nn.models.attention import TinyAttention, TinyAttentionConfig

    vocab, length, d, batch = 8, 10, 16, 64
    config = TinyAttentionConfig(
        vocab_size=vocab, max_len=length, d_model=d, n_classes=vocab, positions="sinusoidal",
        target="per_position", optimizer=OptimizerConfig("adam", lr=1e-3),
    )
    engine = TinyAttention(config, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.integers(0, vocab, size=(batch, length))
    y = np.concatenate([X[:, :1], X[:, :-1]], axis=1)  # "copy the previous token"
    twin = reference.AttentionReference(vocab, length, d, vocab, lr=1e-3, dtype=engine.dtype,
                                        seed=seed)
    _share_weights(engine, twin)
    return Setup(engine, twin, X, y)


DEEP_SIZES = (2,) + (64,) * 8 + (3,)

WORKLOADS: tuple[Workload, ...] = (
    Workload(
        "mlp-small", "2-16-16-1 tanh, BCE, 256 points", "tutor.nn.models.mlp",
        lambda seed: _mlp_setup((2, 16, 16, 1), "tanh", "bce", 256, seed),
        min_speedup=2.0,
    ),
    Workload(
        "mlp-wide", "2-32-32-3 ReLU, softmax CE, 512 points", "tutor.nn.models.mlp",
        lambda seed: _mlp_setup((2, 32, 32, 3), "relu", "cross_entropy", 512, seed),
        min_speedup=2.0,
    ),
    Workload(
        "mlp-deep", "2-64x8-3 ReLU, softmax CE, 1000 points", "tutor.nn.models.mlp",
        lambda seed: _mlp_setup(DEEP_SIZES, "relu", "cross_entropy", 1000, seed, count_flops=True),
        min_peak_share=PEAK_SHARE_TARGET,
    ),
    Workload(
        "cnn", "8x8, 4 filters 3x3, pool, dense, batch 64", "tutor.nn.models.cnn",
        _cnn_setup, min_speedup=1.5,
    ),
    Workload(
        "gru", "T=20, one-hot vocab 4, hidden 16, batch 64", "tutor.nn.models.sequence",
        _gru_setup, min_speedup=1.5,
    ),
    Workload(
        "attention", "T=10, d=16, vocab 8, label per position, batch 64",
        "tutor.nn.models.attention", _attention_setup, min_speedup=1.5,
    ),
)

WORKLOAD_NAMES = ("mlp-small", "mlp-wide", "mlp-deep", "cnn", "gru", "attention")


# ----------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------


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
    A, B = (rng.standard_normal((n, n)).astype(dtype) for _ in range(2))
    out = np.empty((n, n), dtype=dtype)
    return (lambda: np.dot(A, B, out=out)), 2.0 * n**3


def _relative_difference(a: Any, b: Any) -> float:
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.linalg.norm(a64 - b64) / max(np.linalg.norm(b64), 1e-30))


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
            "target": _target_text(self.workload),
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
        yardsticks = [np.float64] if dtype == "float64" else [np.float64, np.dtype(dtype).type]
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


# ----------------------------------------------------------------------
# Machine
# ----------------------------------------------------------------------


def matmul_gflops(sizes: Sequence[int], repeats: int, dtype: type = np.float64) -> dict[int, float]:
    """np.dot GFLOP/s on square matrices of each size (median of repeats).

    One BLAS thread: `tutor/__init__.py` sets OPENBLAS_NUM_THREADS=1 before
    numpy is imported.
    """
    rng = np.random.default_rng(0)
    rates: dict[int, float] = {}
    for n in sizes:
        A = rng.standard_normal((n, n)).astype(dtype)
        B = rng.standard_normal((n, n)).astype(dtype)
        out = np.empty((n, n), dtype=dtype)
        np.dot(A, B, out=out)
        seconds = []
        for _ in range(repeats):
            start = time.perf_counter()
            np.dot(A, B, out=out)
            seconds.append(time.perf_counter() - start)
        rates[n] = 2.0 * n**3 / statistics.median(seconds) / 1e9
    return rates


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas_name() -> str:
    try:
        config = np.show_config(mode="dicts")  # type: ignore[func-returns-value]
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception:  # noqa: BLE001 - older numpy: the name is a nicety
        return "unknown"


def machine_info() -> dict[str, Any]:
    import numba

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "load_avg_1m_start": load,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "blas": _blas_name(),
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
    }


# ----------------------------------------------------------------------
# Compile times (fresh subprocesses)
# ----------------------------------------------------------------------

_COLD_SCRIPT = """
import json, time
start = time.perf_counter()
from tutor.nn.warmup import warm_up
per_model = warm_up()
print(json.dumps({"total_s": time.perf_counter() - start, "per_model_s": per_model}))
"""

_WARM_SCRIPT = """
import importlib, json, sys, time
from tutor.bench import workload
chosen = workload(sys.argv[1])
start = time.perf_counter()
importlib.import_module(chosen.module)
imported = time.perf_counter()
# numba sets up its compiler context on the first call of any kernel; timed apart
from numba.core.registry import cpu_target
cpu_target.target_context.refresh()
cpu_target.typing_context.refresh()
numba_ready = time.perf_counter()
setup = chosen.build(0)
setup.engine.step(setup.X, setup.y)
done = time.perf_counter()
print(json.dumps({"import_s": imported - start, "numba_init_s": numba_ready - imported,
                  "first_step_s": done - imported}))
"""


def _run_python(script: str, args: Sequence[str], cache_dir: Path) -> dict[str, Any]:
    env = dict(os.environ)
    env["NUMBA_CACHE_DIR"] = str(cache_dir)
    env["DLTUTOR_CACHE_DIR"] = str(cache_dir)
    package_parent = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    completed = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )
    if completed.returncode != 0:
        last_line = (completed.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"subprocess failed: {last_line}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


@dataclass
class CompileTimes:
    cold_s: float
    cold_per_model_s: dict[str, float]
    warm: dict[str, dict[str, float]] = field(default_factory=dict)
    """workload -> {"import_s", "numba_init_s", "first_step_s"}."""

    @property
    def warm_first_step_s(self) -> float:
        """The slowest first step after import (the target is about any model)."""
        return max((w["first_step_s"] for w in self.warm.values()), default=float("nan"))

    @property
    def slowest_warm(self) -> str:
        return max(self.warm, key=lambda name: self.warm[name]["first_step_s"], default="")


def measure_compile_times(workloads: Sequence[Workload]) -> CompileTimes:
    """Cold: compile every kernel into an empty cache. Warm: with that cache,
    import each workload's model and take its first step, in a new process."""
    cache_dir = Path(tempfile.mkdtemp(prefix="dltutor-bench-cache-"))
    try:
        cold = _run_python(_COLD_SCRIPT, [], cache_dir)
        times = CompileTimes(cold["total_s"], cold["per_model_s"])
        for chosen in workloads:
            times.warm[chosen.name] = _run_python(_WARM_SCRIPT, [chosen.name], cache_dir)
        return times
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------


def workload(name: str) -> Workload:
    for candidate in WORKLOADS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no workload {name!r} (known: {', '.join(WORKLOAD_NAMES)})")


def _target_text(w: Workload) -> str:
    if w.min_speedup is not None:
        return f">= {w.min_speedup:g}x numpy"
    if w.min_peak_share is not None:
        return f">= {w.min_peak_share:.0%} of peak"
    return ""


def _mark(ok: bool) -> str:
    return "pass" if ok else "FAIL"


@dataclass
class Report:
    results: list[Result]
    missing: dict[str, str]  # workload -> why it could not run (no model yet, or an error)
    compile_times: CompileTimes | None
    compile_error: str | None
    matmul_rates: dict[str, dict[int, float]]  # dtype -> size -> GFLOP/s
    machine: dict[str, Any]

    @property
    def peak_gflops(self) -> float:
        """The best float64 rate of the up-front size sweep (machine info only)."""
        return max(self.matmul_rates["float64"].values())

    @property
    def passed(self) -> bool:
        compile_ok = self.compile_times is not None and (
            self.compile_times.cold_s < COLD_COMPILE_TARGET_S
            and self.compile_times.warm_first_step_s < WARM_FIRST_STEP_TARGET_S
        )
        return not self.missing and compile_ok and all(r.passed for r in self.results)

    def as_json(self) -> dict[str, Any]:
        ct = self.compile_times
        return {
            "workloads": [r.as_json() for r in self.results],
            "missing": [{"name": k, "reason": v} for k, v in self.missing.items()],
            "compile_cold_s": ct.cold_s if ct else None,
            "compile_cold_per_model_s": ct.cold_per_model_s if ct else None,
            "compile_warm_s": ct.warm_first_step_s if ct else None,
            "compile_warm_per_workload": ct.warm if ct else None,
            "compile_error": self.compile_error,
            "targets": {
                "mlp_speedup": 2.0,
                "cnn_gru_attention_speedup": 1.5,
                "deep_peak_share": PEAK_SHARE_TARGET,
                "compile_cold_s": COLD_COMPILE_TARGET_S,
                "compile_warm_s": WARM_FIRST_STEP_TARGET_S,
            },
            "passed": self.passed,
            "machine": self.machine
            | {
                "peak_gflops": self.peak_gflops,
                "matmul_gflops": {str(n): r for n, r in self.matmul_rates["float64"].items()},
                "matmul_gflops_float32": {
                    str(n): r for n, r in self.matmul_rates["float32"].items()
                },
            },
        }


def render(report: Report, console: Console) -> None:
    """The table, then one line per extra figure and target."""

    table = Table(title="dltutor engine vs plain numpy: one full training step (median of rounds)")
    for header, justify in (
        ("workload", "left"), ("", "left"), ("engine µs (min–max)", "right"),
        ("numpy µs (min–max)", "right"), ("speedup", "right"), ("steps/s", "right"),
        ("target", "left"), ("", "left"),
    ):
        table.add_column(header, justify=justify, no_wrap=header != "")  # type: ignore[arg-type]
    for r in report.results:
        e, n = r.engine, r.numpy
        table.add_row(
            r.workload.name, r.workload.summary,
            f"{e.median_us:,.1f} [{e.min_us:,.0f}–{e.max_us:,.0f}]",
            f"{n.median_us:,.1f} [{n.min_us:,.0f}–{n.max_us:,.0f}]",
            f"{r.speedup:.2f}x", f"{1e6 / e.median_us:,.0f}", _target_text(r.workload),
            _mark(r.passed),
        )
    for name, why in report.missing.items():
        mark = "ERROR" if why.startswith("ERROR") else "MISSING"
        table.add_row(name, why, "", "", "", "", "", mark)

    lines: list[str] = []
    for r in report.results:
        if r.peak_share is not None:
            lines.append(
                f"{r.workload.name}: {r.achieved_gflops:.1f} GFLOP/s "
                f"({r.dtype}, 6·N·Σ in·out per step) = {r.peak_share:.0%} of the single-core "
                f"float64 matmul peak "
                f"{r.peak_gflops:.1f} GFLOP/s (target >= {PEAK_SHARE_TARGET:.0%}): "
                f"{_mark(r.peak_share >= PEAK_SHARE_TARGET)}"
            )
            if r.peak_share_same_dtype is not None and r.dtype != "float64":
                lines.append(
                    f"  (and {r.peak_share_same_dtype:.0%} of the {r.dtype} matmul peak "
                    f"{r.peak_gflops_same_dtype:.1f} GFLOP/s, the like-for-like figure)"
                )
    worst = max((r.maths_difference for r in report.results), default=0.0)
    lines.append(
        f"same maths: largest relative loss/gradient difference engine vs numpy {worst:.1e} "
        f"(must be < {MATHS_TOLERANCE:g}): {_mark(worst < MATHS_TOLERANCE)}"
    )
    ct = report.compile_times
    if ct is not None:
        lines.append(
            f"cold compile of every kernel: {ct.cold_s:.1f} s "
            f"(target < {COLD_COMPILE_TARGET_S:g} s): {_mark(ct.cold_s < COLD_COMPILE_TARGET_S)}  ["
            + ", ".join(f"{k} {v:.1f}" for k, v in ct.cold_per_model_s.items()) + "]"
        )
        slowest = ct.warm.get(ct.slowest_warm, {})
        lines.append(
            f"warm cache, first training step after import: {ct.warm_first_step_s:.3f} s "
            f"(slowest: {ct.slowest_warm}; target < {WARM_FIRST_STEP_TARGET_S} s): "
            f"{_mark(ct.warm_first_step_s < WARM_FIRST_STEP_TARGET_S)}"
        )
        lines.append(
            f"  of which numba's one-time set-up {slowest.get('numba_init_s', float('nan')):.3f} s;"
            f" the import before it took {slowest.get('import_s', float('nan')):.3f} s"
        )
    elif report.compile_error:
        lines.append(f"compile times: not measured ({report.compile_error})")
    m = report.machine
    lines.append(
        f"machine: {m['cpu']}, {m['cores']} cores, load {m['load_avg_1m_start']:.2f} at start; "
        f"{m['blas']} ({m['blas_threads']} thread); numpy {m['numpy']}, numba {m['numba']}; "
        f"{m['date']}"
    )
    overall = "all targets met" if report.passed else "some targets NOT met"
    if report.compile_times is None:
        overall += " (compile times not measured)"
    lines.append(f"overall: {overall}")

    console.print(table)
    for line in lines:
        console.print(line, highlight=False, markup=False, soft_wrap=True)


def render_text(report: Report) -> str:
    """The report as plain text (no colours)."""
    console = Console(width=150, record=True, file=io.StringIO())
    render(report, console)
    return console.export_text()


# ----------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="dltutor bench", description="Time the engine against plain numpy."
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="few repetitions (for tests)")
    parser.add_argument("--only", help=f"comma-separated, out of {','.join(WORKLOAD_NAMES)}")
    parser.add_argument("--no-compile", action="store_true", help="skip the compile subprocesses")
    parser.add_argument("--rounds", type=int, help="timing rounds per workload")
    parser.add_argument("--check", action="store_true", help="exit 1 unless every target is met")
    return parser.parse_args(list(argv))


def _progress(enabled: bool, message: str) -> None:
    if enabled:
        print(message, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    chosen_names = args.only.split(",") if args.only else list(WORKLOAD_NAMES)
    unknown = [n for n in chosen_names if n not in WORKLOAD_NAMES]
    if unknown:
        print(f"unknown workload(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    names = [n for n in WORKLOAD_NAMES if n in chosen_names]
    rounds = args.rounds or (6 if args.quick else 40)
    block_s, warmup_s = (0.002, 0.05) if args.quick else (0.01, 0.3)
    talk = not args.json

    machine = machine_info()
    _progress(talk, "measuring the single-core float64 matmul rate...")
    sizes, repeats = ((256, 512), 5) if args.quick else ((256, 512, 1024), 15)
    rates = {
        "float64": matmul_gflops(sizes, repeats, np.float64),
        "float32": matmul_gflops(sizes, repeats, np.float32),
    }

    results: list[Result] = []
    missing: dict[str, str] = {}
    known = {w.name: w for w in WORKLOADS}
    for name in names:
        chosen = known.get(name)
        if chosen is None:
            missing[name] = "no engine model yet"
            continue
        try:
            importlib.import_module(chosen.module)
        except ModuleNotFoundError as error:
            if not (error.name or "").startswith("tutor"):
                raise  # a missing dependency is a broken install, not a missing model
            missing[name] = f"no engine model yet ({chosen.module})"
            continue
        _progress(talk, f"timing {name}...")
        try:
            results.append(run_workload(chosen, rounds, block_s, warmup_s))
        except Exception as error:  # noqa: BLE001 - one broken model must not hide the others
            missing[name] = f"ERROR {type(error).__name__}: {error}"

    compile_times, compile_error = None, None
    if not args.no_compile:
        _progress(talk, "measuring compile times in fresh processes (cold, then warm)...")
        measured = [r.workload for r in results]
        if args.quick:  # one warm start per model module (the mlp-* share their kernels)
            measured = list({w.module: w for w in reversed(measured)}.values())[::-1]
        try:
            compile_times = measure_compile_times(measured)
        except Exception as error:  # noqa: BLE001 - report, keep the timings
            compile_error = str(error)

    report = Report(results, missing, compile_times, compile_error, rates, machine)
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        wide_enough = None if sys.stdout.isatty() else 150  # pipes and files get the full table
        render(report, Console(width=wide_enough))
    return 1 if args.check and not report.passed else 0


if __name__ == "__main__":
    raise SystemExit(main())

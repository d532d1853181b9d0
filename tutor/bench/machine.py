"""The machine the benchmark ran on, and its single-core matmul rate."""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def matmul_gflops(sizes: Sequence[int], repeats: int, dtype: type = np.float64) -> dict[int, float]:
    """np.dot GFLOP/s on square matrices of each size (median of repeats).

    One BLAS thread: `tutor/__init__.py` sets OPENBLAS_NUM_THREADS=1 before
    numpy is imported.
    """
    rng = np.random.default_rng(0)
    rates: dict[int, float] = {}
    for n in sizes:
        A: np.ndarray = rng.standard_normal((n, n)).astype(dtype)
        B: np.ndarray = rng.standard_normal((n, n)).astype(dtype)
        out: np.ndarray = np.empty((n, n), dtype=dtype)
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
    except Exception:  # older numpy: the name is a nicety
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

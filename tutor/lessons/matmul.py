"""matmul: one matrix product three ways on this machine, and what fewer bits cost.

Speed: C = A B for n x n matrices of float64, as a plain Python loop (on a
smaller n, its time scaled by the cube of the sizes and labelled as such:
the loop does n^3 multiply-adds), as numpy (BLAS), and as a numba kernel
of three loops (`tutor.nn.kernels.matmul`). Every figure is measured when
the demo runs, on the learner's machine, so the widget runs `stages` in a
worker thread and shows each result as it arrives. The numba kernel is
compiled (or loaded from the disk cache) by its first call, timed apart.

Precision: the same product from inputs rounded to float16 with float16
sums, float16 inputs with float32 sums (mixed precision, what tensor cores
do), and float32, each against a float64 reference. numpy's own float16
matmul does not round its running sums to float16, so the float16 row
accumulates step by step in float16 here.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from tutor.lessons.runs import param_int, param_str

PRECISIONS: tuple[str, ...] = ("float16", "float32", "float64")
METHODS: tuple[str, ...] = ("Python loop", "numpy", "numba")
SIZES = range(8, 1001)


@dataclass(frozen=True)
class Settings:
    n: int = 200
    precision: str = "float32"
    """The precision the slide is about; its row is highlighted."""
    loop_n: int = 40
    """Size the Python loop multiplies (it would take minutes at large n)."""
    repeats: int = 5
    """Timed runs per method (the median is shown); the loop runs 3 times."""

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Settings:
        n = param_int(params, "n", cls.n)
        precision = param_str(params, "precision", cls.precision)
        if n not in SIZES:
            raise ValueError(f"n must be {SIZES[0]} to {SIZES[-1]}")
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}")
        return cls(n=n, precision=precision, loop_n=min(cls.loop_n, n))


def operands(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two n x n float64 matrices, uniform in [-1, 1)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, (n, n)), rng.uniform(-1.0, 1.0, (n, n))


# --------------------------------------------------------------------------
# The three contenders
# --------------------------------------------------------------------------


def python_matmul(A: list[list[float]], B: list[list[float]]) -> list[list[float]]:
    """The textbook triple loop over Python lists of floats."""
    inner, cols = len(B), len(B[0])
    C = []
    for row in A:
        out = [0.0] * cols
        for k in range(inner):
            a, b = row[k], B[k]
            for j in range(cols):
                out[j] += a * b[j]
        C.append(out)
    return C


def numpy_matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    return A @ B


def numba_matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    from tutor.nn.kernels.matmul import matmul  # imports numba: never on the UI thread

    C = np.empty((A.shape[0], B.shape[1]), dtype=np.result_type(A, B))
    matmul(np.ascontiguousarray(A), np.ascontiguousarray(B), C)
    return C


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    method: str
    measured_n: int
    """The size actually multiplied."""
    n: int
    """The size the figures are given for."""
    seconds: float
    """Median wall time of one product at `measured_n`."""
    first_call: float = 0.0
    """numba: the first call, which compiles the kernel or loads it from the cache."""

    @property
    def scaled(self) -> bool:
        """True when the time at `n` is an estimate scaled from a smaller product."""
        return self.measured_n != self.n

    @property
    def estimated_seconds(self) -> float:
        """Time of one n x n product: n^3 multiply-adds, so scaled by (n / measured_n)^3."""
        return self.seconds * (self.n / self.measured_n) ** 3

    @property
    def gflops(self) -> float:
        """Billions of floating-point operations per second (2 per multiply-add)."""
        return 2.0 * self.measured_n**3 / self.seconds / 1e9 if self.seconds > 0 else float("inf")


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


Stage = tuple[str, Callable[[], Timing]]


def stages(settings: Settings, seed: int = 0) -> list[Stage]:
    """(what is being timed, a call that times it), in the order the demo
    shows them. Each call blocks for up to a few seconds: run them in a
    worker thread."""
    n, small = settings.n, settings.loop_n
    A, B = operands(n, seed)
    lists = A[:small, :small].tolist(), B[:small, :small].tolist()

    def loop() -> Timing:
        return Timing("Python loop", small, n, median_seconds(lambda: python_matmul(*lists), 3))

    def blas() -> Timing:
        numpy_matmul(A, B)  # BLAS threads start on the first call
        return Timing("numpy", n, n, median_seconds(lambda: numpy_matmul(A, B), settings.repeats))

    def compiled() -> Timing:
        import tutor.nn.kernels.matmul  # noqa: F401  (importing numba is not the kernel's time)

        first = median_seconds(lambda: numba_matmul(A, B), 1)
        seconds = median_seconds(lambda: numba_matmul(A, B), settings.repeats)
        return Timing("numba", n, n, seconds, first_call=first)

    return [
        (f"Python loop, {small}x{small}", loop),
        (f"numpy, {n}x{n}", blas),
        (f"numba kernel, {n}x{n} (compiled on first use)", compiled),
    ]


def speed(settings: Settings, seed: int = 0) -> list[Timing]:
    """All stages, one after the other (benchmarks; the widget runs `stages`)."""
    return [run() for _, run in stages(settings, seed)]


# --------------------------------------------------------------------------
# Precision
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PrecisionRow:
    name: str
    bytes_per_number: int
    relative_error: float
    """|C - C64| / |C64| (Frobenius norms)."""
    max_error: float
    """Largest error of one entry."""


def float16_matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """A B with float16 inputs and every running sum rounded to float16."""
    A16, B16 = A.astype(np.float16), B.astype(np.float16)
    C = np.zeros((A.shape[0], B.shape[1]), dtype=np.float16)
    for k in range(A.shape[1]):
        C += A16[:, k : k + 1] * B16[k]  # float16 products and sums
    return C


def mixed_matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """float16 inputs, float32 products and sums (mixed precision)."""
    return A.astype(np.float16).astype(np.float32) @ B.astype(np.float16).astype(np.float32)


def float32_matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    return A.astype(np.float32) @ B.astype(np.float32)


def precision_errors(n: int, seed: int = 0) -> list[PrecisionRow]:
    """The error of each precision against the float64 product."""
    A, B = operands(n, seed)
    reference = A @ B
    scale = float(np.linalg.norm(reference))
    rows = []
    for name, size, product in (("float16", 2, float16_matmul),
                                ("float16 in, float32 sums", 2, mixed_matmul),
                                ("float32", 4, float32_matmul)):
        error = product(A, B).astype(np.float64) - reference
        rows.append(PrecisionRow(name, size, float(np.linalg.norm(error)) / scale,
                                 float(np.abs(error).max())))
    rows.append(PrecisionRow("float64 (reference)", 8, 0.0, 0.0))
    return rows

"""matmul: the three contenders compute the same product, the timings are
reported consistently (no assertion on speed), and fewer bits make larger
errors: float16 > float32 > 0."""

from __future__ import annotations

import numpy as np
import pytest
from slide_demos import demo_params

from tutor.lessons.matmul import (
    Settings,
    Timing,
    float16_matmul,
    numba_matmul,
    numpy_matmul,
    operands,
    precision_errors,
    python_matmul,
    speed,
)


def reference(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    return np.einsum("ik,kj->ij", A, B)


@pytest.mark.parametrize("shape", [(1, 1, 1), (3, 5, 2), (17, 9, 33), (40, 40, 40)])
def test_the_three_products_agree_with_a_reference(shape):
    n, m, p = shape
    rng = np.random.default_rng(n + m + p)
    A, B = rng.normal(size=(n, m)), rng.normal(size=(m, p))
    expected = reference(A, B)
    np.testing.assert_allclose(np.array(python_matmul(A.tolist(), B.tolist())), expected,
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(numpy_matmul(A, B), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(numba_matmul(A, B), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(numba_matmul(A.astype(np.float32), B.astype(np.float32)),
                               expected, rtol=1e-4, atol=1e-4)


def test_settings_from_the_slides():
    compute = Settings.from_params(demo_params("compute", "matmul"))
    mixed = Settings.from_params(demo_params("mixed-precision", "matmul"))
    assert (compute.n, compute.precision) == (200, "float32")
    assert (mixed.n, mixed.precision) == (200, "float16")
    assert Settings.from_params({"n": 16}).loop_n == 16
    with pytest.raises(ValueError):
        Settings.from_params({"precision": "float8"})
    assert Settings.from_params({"precision": "float64"}).precision == "float64"


def test_timings_are_scaled_by_the_cube_of_the_sizes():
    timing = Timing("Python loop", measured_n=40, n=200, seconds=0.04)
    assert timing.scaled and timing.estimated_seconds == pytest.approx(0.04 * 125)
    assert timing.gflops == pytest.approx(2 * 40**3 / 0.04 / 1e9)
    timings = speed(Settings(n=24, loop_n=12, repeats=2))
    assert [t.method for t in timings] == ["Python loop", "numpy", "numba"]
    assert [t.measured_n for t in timings] == [12, 24, 24]
    assert all(t.n == 24 and t.seconds > 0 for t in timings)
    assert timings[2].first_call > 0


def test_float16_rounds_small_steps_away():
    assert np.float16(1) + np.float16(0.0001) == np.float16(1)  # the slide's example
    A, B = operands(8, seed=1)
    exact = float16_matmul(A, B)
    assert exact.dtype == np.float16


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fewer_bits_make_larger_errors(seed):
    rows = {row.name: row for row in precision_errors(200, seed)}
    half, mixed, single = rows["float16"], rows["float16 in, float32 sums"], rows["float32"]
    assert half.relative_error > mixed.relative_error > single.relative_error > 0
    assert half.max_error > single.max_error > 0
    assert rows["float64 (reference)"].relative_error == 0
    assert half.bytes_per_number == 2 and single.bytes_per_number == 4

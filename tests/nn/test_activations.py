"""The fast float32 activations: accuracy against the exact functions."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.nn.kernels.activations import ACTIVATIONS, activation_forward, tanh_value


def run(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values and derivatives: fast maths on float32 arrays, exact on float64."""
    deriv = z.copy()
    a = np.empty_like(z)
    activation_forward(ACTIVATIONS[name], deriv, a, 0.01)
    return a, deriv


def test_rational_tanh_is_accurate_in_float32() -> None:
    x = np.concatenate([np.linspace(-12, 12, 200_001), np.geomspace(1e-30, 1, 1000)]).astype(
        np.float32
    )
    a, deriv = run("tanh", x)
    exact = np.tanh(x.astype(np.float64))
    assert a.dtype == np.float32
    assert np.max(np.abs(a - exact)) < 4e-7  # numpy's own float32 tanh: 1.1e-7
    assert np.max(np.abs(a - exact) / np.maximum(np.abs(exact), 1e-30)) < 4e-7  # also tiny x
    assert np.max(np.abs(deriv - (1 - exact**2))) < 1e-6
    assert np.array_equal(a, -run("tanh", -x)[0])  # odd
    assert np.abs(a).max() <= 1.0


def test_rational_tanh_saturates_and_passes_nan() -> None:
    assert tanh_value(np.float32(1e30), True) == 1.0
    assert tanh_value(np.float32(-np.inf), True) == -1.0
    assert np.isnan(tanh_value(np.float32(np.nan), True))


@pytest.mark.parametrize("name", ["sigmoid", "gelu", "tanh"])
def test_fast_and_exact_paths_agree(name: str) -> None:
    z = np.linspace(-20, 20, 4001)
    fast_a, fast_d = run(name, z.astype(np.float32))
    exact_a, exact_d = run(name, z)
    # float32 rounding, scaled by |z| for gelu (whose derivative multiplies 1 - t^2 by ~z^3)
    np.testing.assert_allclose(fast_a, exact_a, atol=1e-6 * max(1.0, np.abs(exact_a).max()))
    np.testing.assert_allclose(fast_d, exact_d, atol=1e-5)


@pytest.mark.parametrize(
    ("name", "value", "derivative"),
    [
        ("identity", lambda z: z, np.ones_like),
        ("relu", lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(z.dtype)),
        (
            "leaky_relu",
            lambda z: np.where(z > 0, z, 0.01 * z),
            lambda z: np.where(z > 0, 1.0, 0.01),
        ),
        ("sigmoid", lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    ],
)
def test_values_and_derivatives(name: str, value, derivative) -> None:  # type: ignore
    z = np.linspace(-5, 5, 101)
    a, deriv = run(name, z)
    np.testing.assert_allclose(a, value(z), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(deriv, derivative(z), rtol=1e-12, atol=1e-15)

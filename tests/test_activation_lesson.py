"""Activation curves come from the engine's kernel, are right, and saturate where they should."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tutor.lessons.activation_explorer import (
    FUNCTIONS,
    LEAKY_SLOPE,
    SATURATED,
    all_curves,
    describe_saturation,
    saturated_ranges,
    verdict,
)


@pytest.fixture(scope="module")
def curves() -> dict:
    return all_curves()


def _reference(name: str, z: np.ndarray) -> np.ndarray:
    """Textbook formulas in float64, written independently of the kernel."""
    if name == "relu":
        return np.maximum(z, 0)
    if name == "leaky_relu":
        return np.where(z > 0, z, LEAKY_SLOPE * z)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    erf = np.vectorize(math.erf)
    return 0.5 * z * (1 + erf(z / math.sqrt(2)))  # exact GELU; the kernel uses the tanh form


@pytest.mark.parametrize("name", FUNCTIONS)
def test_values_match_the_formulas(name: str, curves: dict) -> None:
    c = curves[name]
    assert c.f.dtype == np.float32 and c.z.shape == c.f.shape == c.df.shape
    tolerance = 2e-3 if name == "gelu" else 1e-6  # tanh-form GELU differs from erf GELU
    np.testing.assert_allclose(c.f, _reference(name, c.z.astype(np.float64)), atol=tolerance)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_derivative_matches_finite_differences_of_the_kernel(name: str, curves: dict) -> None:
    from tutor.lessons.activation_explorer import evaluate

    c = curves[name]
    h = np.float32(0.01)
    away_from_kink = np.abs(c.z) > 2 * h  # ReLU's kink at 0 has no derivative
    z = c.z[away_from_kink]
    plus, _ = evaluate(name, z + h)
    minus, _ = evaluate(name, z - h)
    numeric = (plus.astype(np.float64) - minus) / (2 * float(h))
    np.testing.assert_allclose(c.df[away_from_kink], numeric, atol=2e-3)


def test_saturation_is_where_the_slide_says(curves: dict) -> None:
    sigmoid = saturated_ranges(curves["sigmoid"])
    assert len(sigmoid) == 2 and sigmoid[0][0] == -6.0 and sigmoid[1][1] == 6.0
    assert -sigmoid[0][1] == pytest.approx(sigmoid[1][0])  # symmetric about 0
    tanh = saturated_ranges(curves["tanh"])
    assert tanh[1][0] < sigmoid[1][0]  # tanh flattens sooner than sigmoid
    assert saturated_ranges(curves["relu"]) == [(-6.0, 0.0)]  # no gradient for z <= 0
    assert describe_saturation(curves["relu"]) == "no gradient at all (f'(z) = 0): z <= +0.00"
    assert describe_saturation(curves["tanh"]).startswith("saturated (f'(z) < 0.05): z <= -")
    assert saturated_ranges(curves["leaky_relu"]) == [(-6.0, 0.0)]  # 0.01 < 0.05: nearly flat
    for name in ("sigmoid", "tanh"):
        c = curves[name]
        assert (np.abs(c.df[c.saturated]) < SATURATED).all()
        assert (np.abs(c.df[~c.saturated]) >= SATURATED).all()


def test_verdict_names_the_saturated_side(curves: dict) -> None:
    sigmoid = curves["sigmoid"]
    far = int(np.argmin(np.abs(sigmoid.z - 5)))
    near = int(np.argmin(np.abs(sigmoid.z)))
    assert "saturated" in verdict(sigmoid, far) and "saturated" not in verdict(sigmoid, near)

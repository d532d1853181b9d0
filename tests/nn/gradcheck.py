"""Gradient checks shared by the engine tests: central finite differences
in float64, compared by relative error (< 1e-6 is the engine's contract)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

TOLERANCE = 1e-6


def central_difference(loss: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d loss / d x by central differences, perturbing `x` in place (any layout)."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        up = loss()
        x[index] = saved - eps
        down = loss()
        x[index] = saved
        grad[index] = (up - down) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||), 0 when both are 0."""
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def assert_gradients_match(model: Any, X: np.ndarray, y: np.ndarray) -> None:
    """Every parameter gradient of `model.loss_and_grads(X, y)` against central
    differences, perturbing the model's own parameter views in place."""
    _, grads = model.loss_and_grads(X, y)
    for name in model.buffer.names:
        numeric = central_difference(lambda: model.loss_and_grads(X, y)[0], model.buffer[name])
        assert relative_error(grads[name], numeric) < TOLERANCE, name

"""Optimizer kernels: exact update formulas, L2 decay, and that they minimise."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.nn.base import Optimizer, OptimizerConfig, ParamBuffer
from tutor.nn.optim import l2_penalty


def one_update(
    config: OptimizerConfig, theta: np.ndarray, grads: list[np.ndarray], decay: np.ndarray
) -> np.ndarray:
    buffer = ParamBuffer({"p": theta.shape}, np.float64)
    buffer.decay_mask[:] = decay
    buffer.data[:] = theta
    optimizer = Optimizer(config, buffer.size, np.float64)
    for g in grads:
        buffer.grad[:] = g
        optimizer.update(buffer)
    return buffer.data.copy()


def reference(
    config: OptimizerConfig, theta: np.ndarray, grads: list[np.ndarray], decay: np.ndarray
) -> np.ndarray:
    """The textbook formulas, written independently in numpy."""
    theta = theta.copy()
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    for t, data_grad in enumerate(grads, start=1):
        g = data_grad + config.weight_decay * decay * theta
        if config.kind == "sgd":
            theta -= config.lr * g
        elif config.kind == "momentum":
            m = config.momentum * m + g
            theta -= config.lr * m
        else:
            m = config.beta1 * m + (1 - config.beta1) * g
            v = config.beta2 * v + (1 - config.beta2) * g * g
            m_hat = m / (1 - config.beta1**t)
            v_hat = v / (1 - config.beta2**t)
            theta -= config.lr * m_hat / (np.sqrt(v_hat) + config.eps)
    return theta


@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_update_matches_textbook_formulas(kind: str, weight_decay: float) -> None:
    rng = np.random.default_rng(3)
    theta = rng.standard_normal(7)
    grads = [rng.standard_normal(7) for _ in range(4)]
    decay = (rng.random(7) > 0.5).astype(np.float64)
    config = OptimizerConfig(kind=kind, lr=0.05, weight_decay=weight_decay)  # type: ignore
    np.testing.assert_allclose(
        one_update(config, theta, grads, decay),
        reference(config, theta, grads, decay),
        rtol=1e-12,
        atol=1e-14,
    )


@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_optimizers_minimise_a_quadratic(kind: str, dtype: type) -> None:
    """f(p) = 0.5 * sum(c * (p - target)^2) with mixed curvatures."""
    target = np.array([1.0, -2.0, 0.5, 3.0])
    curvature = np.array([1.0, 0.5, 2.0, 0.2])
    buffer = ParamBuffer({"p": (4,)}, dtype)
    lr = {"sgd": 0.5, "momentum": 0.1, "adam": 0.1}[kind]
    optimizer = Optimizer(OptimizerConfig(kind=kind, lr=lr), 4, dtype)  # type: ignore[arg-type]
    for _ in range(500):
        buffer.grad[:] = curvature * (buffer.data - target)
        optimizer.update(buffer)
    np.testing.assert_allclose(buffer.data, target, atol=1e-2)


def test_weight_decay_shrinks_only_decayed_entries() -> None:
    theta = np.ones(4)
    decay = np.array([1.0, 1.0, 0.0, 0.0])
    after = one_update(
        OptimizerConfig(kind="sgd", lr=0.1, weight_decay=0.5), theta, [np.zeros(4)], decay
    )
    np.testing.assert_allclose(after, [0.95, 0.95, 1.0, 1.0])


def test_l2_penalty() -> None:
    theta = np.array([1.0, 2.0, 3.0])
    assert l2_penalty(theta, np.array([1.0, 0.0, 1.0]), 0.1) == pytest.approx(0.5 * 0.1 * 10.0)

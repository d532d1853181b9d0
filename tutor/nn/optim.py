"""Optimizer kernels: one call updates a model's whole flat parameter vector.

`apply_update` is called by `tutor.nn.base.Optimizer.update`, or directly at
the end of a fused training-step kernel (numba kernels can call each other).
The arithmetic is done in float64 and stored in the parameters' dtype.
"""

from __future__ import annotations

import numpy as np

from tutor.nn.jit import kernel

SGD, MOMENTUM, ADAM = 0, 1, 2  # must match tutor.nn.base.OPTIMIZER_CODES


@kernel
def apply_update(
    theta: np.ndarray,  # (P,) parameters, updated in place
    grad: np.ndarray,  # (P,) d(data loss)/d(theta)
    decay_mask: np.ndarray,  # (P,) 1 where L2 weight decay applies, else 0
    m: np.ndarray,  # (P,) velocity (momentum) / first moment (Adam)
    v: np.ndarray,  # (P,) second moment (Adam), else empty
    kind: int,
    lr: float,
    momentum: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    correction1: float,  # 1 / (1 - beta1^t), Adam bias correction
    correction2: float,  # 1 / (1 - beta2^t)
) -> None:
    """One SGD / heavy-ball momentum / Adam step with coupled L2 decay."""
    n = theta.shape[0]
    # One loop per kind (rather than a branch per element) so each vectorises.
    if kind == SGD:
        for i in range(n):
            g = grad[i] + weight_decay * decay_mask[i] * theta[i]
            theta[i] -= lr * g
    elif kind == MOMENTUM:
        for i in range(n):
            g = grad[i] + weight_decay * decay_mask[i] * theta[i]
            velocity = momentum * m[i] + g
            m[i] = velocity
            theta[i] -= lr * velocity
    else:
        for i in range(n):
            g = grad[i] + weight_decay * decay_mask[i] * theta[i]
            first = beta1 * m[i] + (1.0 - beta1) * g
            second = beta2 * v[i] + (1.0 - beta2) * g * g
            m[i] = first
            v[i] = second
            theta[i] -= lr * (first * correction1) / (np.sqrt(second * correction2) + eps)


@kernel
def l2_penalty(theta: np.ndarray, decay_mask: np.ndarray, weight_decay: float) -> float:
    """0.5 * weight_decay * ||decayed theta||^2, the term coupled L2 decay minimises."""
    total = 0.0
    for i in range(theta.shape[0]):
        total += decay_mask[i] * np.float64(theta[i]) * np.float64(theta[i])
    return 0.5 * weight_decay * total

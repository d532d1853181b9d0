"""Losses on the network's raw outputs (logits), value and gradient together.

Layout is feature-major like every dense buffer: outputs `Z` are `(C, B)`,
one row per output unit, one column per example. Each loss is the MEAN over
the batch and writes d(loss)/dZ into `dZ`. The output non-linearity belongs
to the loss (sigmoid for binary cross-entropy, softmax for cross-entropy),
which keeps the gradient the simple, stable `p - y`.

These touch only B * C values, so they use the exact exp/log.
"""

from __future__ import annotations

import numpy as np

from tutor.nn.jit import kernel

BCE, CROSS_ENTROPY, MSE = 0, 1, 2
LOSSES: dict[str, int] = {"bce": BCE, "cross_entropy": CROSS_ENTROPY, "mse": MSE}


@kernel
def sigmoid(z: float) -> float:
    """1 / (1 + exp(-z)) without overflow for large |z|."""
    e = np.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0.0 else e / (1.0 + e)


@kernel
def softmax_column(Z: np.ndarray, i: int, out: np.ndarray) -> float:
    """out[:, i] = softmax(Z[:, i]); returns log(sum(exp(Z[:, i]))) (shifted, so no overflow)."""
    C = Z.shape[0]
    top = float(Z[0, i])
    for c in range(1, C):
        top = max(top, float(Z[c, i]))
    norm = 0.0
    for c in range(C):
        e = np.exp(float(Z[c, i]) - top)
        out[c, i] = e
        norm += e
    for c in range(C):
        out[c, i] = out[c, i] / norm
    return top + np.log(norm)


@kernel
def bce_with_logits(
    Z: np.ndarray,  # (1, B) logits
    T: np.ndarray,  # (1, B) targets in [0, 1]
    dZ: np.ndarray,  # (1, B) out
) -> float:
    """mean(-t log p - (1 - t) log(1 - p)), p = sigmoid(z), written overflow-free
    as softplus(z) - t z with softplus(z) = max(z, 0) + log1p(exp(-|z|))."""
    B = Z.shape[1]
    inv_b = 1.0 / B
    total = 0.0
    for i in range(B):
        z = float(Z[0, i])
        t = float(T[0, i])
        total += max(z, 0.0) - t * z + np.log1p(np.exp(-abs(z)))
        dZ[0, i] = (sigmoid(z) - t) * inv_b
    return total * inv_b


@kernel
def softmax_cross_entropy(
    Z: np.ndarray,  # (C, B) logits
    labels: np.ndarray,  # (B,) int class indices
    dZ: np.ndarray,  # (C, B) out
) -> float:
    """mean(-log softmax(z)[label]); dZ = (softmax(z) - onehot(label)) / B."""
    C, B = Z.shape
    inv_b = 1.0 / B
    total = 0.0
    for i in range(B):
        label = labels[i]
        total += softmax_column(Z, i, dZ) - float(Z[label, i])
        for c in range(C):
            dZ[c, i] = dZ[c, i] * inv_b
        dZ[label, i] -= inv_b
    return total * inv_b


@kernel
def mean_squared_error(
    Z: np.ndarray,  # (C, B) predictions
    T: np.ndarray,  # (C, B) targets
    dZ: np.ndarray,  # (C, B) out
) -> float:
    """mean over all C * B entries of (z - t)^2."""
    C, B = Z.shape
    scale = 1.0 / (C * B)
    total = 0.0
    for c in range(C):
        for i in range(B):
            diff = float(Z[c, i]) - float(T[c, i])
            total += diff * diff
            dZ[c, i] = 2.0 * diff * scale
    return total * scale


@kernel
def loss_and_delta(
    code: int,
    Z: np.ndarray,  # (C, B) network outputs
    T: np.ndarray,  # (C, B) float targets (BCE, MSE); unused for cross-entropy
    labels: np.ndarray,  # (B,) int labels (cross-entropy); unused otherwise
    dZ: np.ndarray,  # (C, B) out: d loss / d Z
) -> float:
    if code == BCE:
        return bce_with_logits(Z, T, dZ)
    if code == CROSS_ENTROPY:
        return softmax_cross_entropy(Z, labels, dZ)
    return mean_squared_error(Z, T, dZ)


@kernel
def output_values(
    code: int,
    Z: np.ndarray,  # (C, B) network outputs
    out: np.ndarray,  # (C, B) out: probabilities (BCE, cross-entropy) or values (MSE)
) -> None:
    C, B = Z.shape
    if code == BCE:
        for c in range(C):
            for i in range(B):
                out[c, i] = sigmoid(float(Z[c, i]))
    elif code == CROSS_ENTROPY:
        for i in range(B):
            softmax_column(Z, i, out)
    else:
        for c in range(C):
            for i in range(B):
                out[c, i] = Z[c, i]

"""Losses on the network's raw outputs (logits), value and gradient together.

Layout is feature-major like every dense buffer: outputs `Z` are `(C, B)`,
one row per output unit, one column per example. Each loss is the MEAN over
the batch and writes d(loss)/dZ into `dZ`. The output non-linearity belongs
to the loss (sigmoid for binary cross-entropy, softmax for cross-entropy),
which keeps the gradient the simple, stable `p - y`.

Loops run along the batch (rows of Z), so they vectorise. On float32 outputs
(training) exp is a vectorisable polynomial (`exp_value(x, fast=True)`;
numba's exp costs ~4 ns a value here, see tutor.nn.kernels.activations);
float64 outputs (gradient checks) use the library exp. The loss's logarithms
are taken of products of 16 terms (`sum_of_logs`), 16x fewer log calls.
Softmax cross-entropy on 3 x 512 float32 logits: 21 -> 8 us. `work` is a
(2, B) float64 scratch buffer.
"""

from __future__ import annotations

import numpy as np

from tutor.nn.jit import is_float64, kernel

BCE, CROSS_ENTROPY, MSE = 0, 1, 2
LOSSES: dict[str, int] = {"bce": BCE, "cross_entropy": CROSS_ENTROPY, "mse": MSE}

# 2^f ~= polynomial in f on [-0.5, 0.5]: our least-squares fit of the
# relative error, max 2e-9.
_E0, _E1, _E2, _E3 = 1.0, 6.93147206e-01, 2.40226469e-01, 5.55032878e-02
_E4, _E5, _E6 = 9.61848903e-03, 1.33999316e-03, 1.53457950e-04
_LOG2E = 1.4426950408889634
_EXP_FLOOR = -87.0  # exp(-87) ~ 1.6e-38, the smallest normal float32


@kernel
def exp_value(x: float, fast: bool) -> float:
    """exp(x) for x <= 0: with `fast`, a float64 polynomial with relative error
    < 3e-9, branch-free so loops over it vectorise (x below -87 counts as -87,
    exp(-87) ~ 1.6e-38); else the library exp.

    exp(x) = 2^t with t = x log2(e) = n + f, n = round(t): 2^f by polynomial,
    2^-n (n in [0, 126]) as a product of 2^-64, 2^-32, ..., 2^-1 picked by
    the binary digits of n.
    """
    if not fast:
        return np.exp(x)
    x = _EXP_FLOOR if x < _EXP_FLOOR else x  # a select vectorises, max() does not
    t = x * _LOG2E
    n = np.floor(t + 0.5)
    f = t - n
    value = (((((_E6 * f + _E5) * f + _E4) * f + _E3) * f + _E2) * f + _E1) * f + _E0
    k = -n
    value *= 2.0**-64 if k >= 64.0 else 1.0
    k -= 64.0 if k >= 64.0 else 0.0
    value *= 2.0**-32 if k >= 32.0 else 1.0
    k -= 32.0 if k >= 32.0 else 0.0
    value *= 2.0**-16 if k >= 16.0 else 1.0
    k -= 16.0 if k >= 16.0 else 0.0
    value *= 2.0**-8 if k >= 8.0 else 1.0
    k -= 8.0 if k >= 8.0 else 0.0
    value *= 2.0**-4 if k >= 4.0 else 1.0
    k -= 4.0 if k >= 4.0 else 0.0
    value *= 2.0**-2 if k >= 2.0 else 1.0
    k -= 2.0 if k >= 2.0 else 0.0
    return value * (0.5 if k >= 1.0 else 1.0)


@kernel
def sum_of_logs(values: np.ndarray) -> float:
    """sum(log(values)) for values in [1, 1e18], one log per 16 values: the
    log of a product of 16 such values cannot overflow."""
    total = 0.0
    n = values.shape[0]
    for start in range(0, n, 16):
        product = 1.0
        for i in range(start, min(start + 16, n)):
            product *= values[i]
        total += np.log(product)
    return total


@kernel
def sigmoid_columns(Z: np.ndarray, out: np.ndarray, work: np.ndarray, fast: bool) -> None:
    """out = sigmoid(Z) (one row), overflow-free from e = exp(-|z|), left in work[0]."""
    e = work[0]
    for i in range(Z.shape[1]):
        z = np.float64(Z[0, i])
        e[i] = exp_value(-abs(z), fast)
        out[0, i] = (1.0 if z >= 0.0 else e[i]) / (1.0 + e[i])


@kernel
def softmax_columns(Z: np.ndarray, out: np.ndarray, work: np.ndarray, fast: bool) -> None:
    """out[:, i] = softmax(Z[:, i]); work[0] <- column max, work[1] <- sum(exp(z - max))."""
    C, B = Z.shape
    top, norm = work[0], work[1]
    for i in range(B):
        top[i] = Z[0, i]
        norm[i] = 0.0
    for c in range(1, C):
        for i in range(B):
            top[i] = max(top[i], np.float64(Z[c, i]))
    for c in range(C):
        for i in range(B):
            e = exp_value(np.float64(Z[c, i]) - top[i], fast)  # shifted: never overflows
            out[c, i] = e
            norm[i] += e
    for c in range(C):
        for i in range(B):
            out[c, i] = out[c, i] / norm[i]


@kernel
def softmax_cross_entropy(
    Z: np.ndarray,  # (C, B) logits
    labels: np.ndarray,  # (B,) int class indices
    dZ: np.ndarray,  # (C, B) out
    work: np.ndarray,
    fast: bool,
) -> float:
    """mean(-log softmax(z)[label]) = mean(log(norm) + max - z[label]);
    dZ = (softmax(z) - onehot(label)) / B.

    The one cross-entropy kernel: `loss_and_delta` (MLP) and the softmax head
    (CNN, sequence, attention models) both call it. The head calls it directly,
    not through `loss_and_delta`, which serves every loss kind and cost the
    head ~6 s more cold compile (measured)."""
    C, B = Z.shape
    inv_b = 1.0 / B
    softmax_columns(Z, dZ, work, fast)
    top = work[0]
    total = 0.0
    for i in range(B):
        label = labels[i]
        if label < 0 or label >= C:
            raise ValueError("class label out of range")
        total += top[i] - np.float64(Z[label, i])
    total += sum_of_logs(work[1])
    for c in range(C):
        for i in range(B):
            dZ[c, i] = dZ[c, i] * inv_b
    for i in range(B):
        dZ[labels[i], i] -= inv_b
    return total * inv_b


@kernel
def loss_and_delta(
    code: int,
    Z: np.ndarray,  # (C, B) network outputs
    T: np.ndarray,  # (C, B) float targets (BCE, MSE); unused for cross-entropy
    labels: np.ndarray,  # (B,) int labels (cross-entropy); unused otherwise
    dZ: np.ndarray,  # (C, B) out: d loss / d Z
    work: np.ndarray,  # (2, B) float64 scratch
) -> float:
    """Mean loss over the batch; dZ = its gradient.

    BCE: mean(-t log p - (1 - t) log(1 - p)), p = sigmoid(z), written
      overflow-free as softplus(z) - t z = max(z, 0) + log(1 + exp(-|z|)) - t z;
      dZ = (p - t) / B.
    Cross-entropy: see softmax_cross_entropy.
    MSE: mean over all C * B entries of (z - t)^2; dZ = 2 (z - t) / (C B).
    """
    fast = not is_float64(Z)
    if code == CROSS_ENTROPY:
        return softmax_cross_entropy(Z, labels, dZ, work, fast)
    C, B = Z.shape
    total = 0.0
    if code == BCE:
        inv_b = 1.0 / B
        sigmoid_columns(Z, dZ, work, fast)
        one_plus_e = work[0]
        for i in range(B):
            z = np.float64(Z[0, i])
            t = np.float64(T[0, i])
            total += max(z, 0.0) - t * z
            one_plus_e[i] += 1.0
            dZ[0, i] = (dZ[0, i] - t) * inv_b
        return (total + sum_of_logs(one_plus_e)) * inv_b
    scale = 1.0 / (C * B)
    for c in range(C):
        for i in range(B):
            diff = np.float64(Z[c, i]) - np.float64(T[c, i])
            total += diff * diff
            dZ[c, i] = 2.0 * diff * scale
    return total * scale


@kernel
def output_values(
    code: int,
    Z: np.ndarray,  # (C, B) network outputs
    out: np.ndarray,  # (C, B) out: probabilities (BCE, cross-entropy) or values (MSE)
    work: np.ndarray,  # (2, B) float64 scratch
) -> None:
    fast = not is_float64(Z)
    if code == BCE:
        sigmoid_columns(Z, out, work, fast)
    elif code == CROSS_ENTROPY:
        softmax_columns(Z, out, work, fast)
    else:  # a plain loop: `out[...] = Z` would compile numba's broadcasting (seconds)
        C, B = Z.shape
        for c in range(C):
            for i in range(B):
                out[c, i] = Z[c, i]

"""The softmax classification head shared by TinyCNN, SequenceClassifier and
TinyAttention: one dense layer from features to class logits, with the
cross-entropy loss, forward and backward in one kernel call.

Layouts are those of `tutor.nn.kernels.dense` (feature-major, bias folded
in): features `A (n_in + 1, B)` whose last row is ones, weights `Wb
(n_in + 1, C)` = the parameter `W (n_in, C)` immediately followed by its
bias `b (C,)` in the flat parameter vector.

The softmax and loss are written out here (with the shared fast exp of
`kernels.losses`) rather than taken from `losses.loss_and_delta`, which
serves every loss kind: as a kernel of its own it costs ~6 s of cold
compile, this cross-entropy-only one ~1.5 s.
"""

from __future__ import annotations

import numpy as np

from tutor.nn.base import ParamBuffer
from tutor.nn.jit import is_float64, kernel
from tutor.nn.kernels.dense import dense_backward, dense_forward, dense_input_grad
from tutor.nn.kernels.losses import exp_value, sum_of_logs


@kernel
def softmax_head(
    Wb: np.ndarray,  # (n_in + 1, C) weights with the bias as last row
    A: np.ndarray,  # (n_in + 1, B) features, last row ones
    labels: np.ndarray,  # (B,) int class labels in [0, C) (ignored if predict_only)
    Z: np.ndarray,  # (C, B) out: logits
    probs: np.ndarray,  # (C, B) out: class probabilities
    dZ: np.ndarray,  # (C, B) out: d(loss)/d(logits)
    dWb: np.ndarray,  # (n_in + 1, C) out: d(loss)/d([W; b])
    dA: np.ndarray,  # (n_in, B) out: d(loss)/d(features)
    work: np.ndarray,  # (2, B) float64 scratch: column maxima, softmax denominators
    predict_only: bool,
) -> float:
    """Mean cross-entropy over the B columns, -log softmax(z)[label], and all
    gradients (dZ = (softmax(z) - onehot(label)) / B); with predict_only,
    just the probabilities (returns 0). Loops run along rows of B columns,
    so they vectorise."""
    dense_forward(Wb, A, Z)
    C, B = Z.shape
    exact = is_float64(Z)
    top, norm = work[0], work[1]
    for n in range(B):
        top[n] = Z[0, n]  # shift by the largest logit: exp never overflows
        norm[n] = 0.0
    for c in range(1, C):
        for n in range(B):
            top[n] = max(top[n], Z[c, n])
    for c in range(C):
        for n in range(B):
            e = exp_value(Z[c, n] - top[n], not exact)
            probs[c, n] = e
            norm[n] += e
    for c in range(C):
        for n in range(B):
            probs[c, n] /= norm[n]
    if predict_only:
        return 0.0
    total = sum_of_logs(norm)  # -log p[label] = log(norm) + top - z[label]
    for n in range(B):
        total += top[n] - Z[labels[n], n]
    inv_b = 1.0 / B
    for c in range(C):
        for n in range(B):
            dZ[c, n] = probs[c, n] * inv_b
    for n in range(B):
        dZ[labels[n], n] -= inv_b
    dense_backward(A, dZ, dWb)
    dense_input_grad(Wb, dZ, dA)
    return total * inv_b


def head_views(buffer: ParamBuffer, weight: str, bias: str) -> tuple[np.ndarray, np.ndarray]:
    """[W; b] as one (n_in + 1, C) matrix, in the parameters and in the
    gradients. `bias` must be declared right after `weight`."""
    n_in, C = buffer.shapes[weight]
    start = buffer.offset(weight)
    if buffer.offset(bias) != start + n_in * C or buffer.shapes[bias] != (C,):
        raise ValueError(f"{bias!r} must follow {weight!r} in the parameter buffer")
    span = slice(start, start + (n_in + 1) * C)
    return buffer.data[span].reshape(n_in + 1, C), buffer.grad[span].reshape(n_in + 1, C)


class HeadWorkspace:
    """The head's buffers for B columns (examples, or positions x examples)."""

    def __init__(self, n_in: int, n_classes: int, B: int, dtype: np.dtype) -> None:
        self.features = np.zeros((n_in + 1, B), dtype)  # (n_in + 1, B)
        self.features[n_in] = 1.0  # the constant input that carries the bias
        self.inputs = self.features[:n_in]  # (n_in, B) where the model writes its features
        self.labels = np.zeros(B, np.int64)
        self.logits = np.zeros((n_classes, B), dtype)
        self.probs = np.zeros((n_classes, B), dtype)
        self.dlogits = np.zeros((n_classes, B), dtype)
        self.dinputs = np.zeros((n_in, B), dtype)  # d(loss)/d(features)
        self.work = np.zeros((2, B), np.float64)

    def run(self, Wb: np.ndarray, dWb: np.ndarray, predict_only: bool) -> float:
        """Loss (0 if predict_only) of the labels in `labels`; see softmax_head."""
        return float(softmax_head(Wb, self.features, self.labels, self.logits, self.probs,
                                  self.dlogits, dWb, self.dinputs, self.work,
                                  predict_only))

"""The softmax classification head shared by TinyCNN, SequenceClassifier and
TinyAttention: one dense layer from features to class logits, with the
cross-entropy loss, forward and backward in one kernel call.

Layouts are those of `tutor.nn.kernels.dense` (feature-major, bias folded
in): features `A (n_in + 1, B)` whose last row is ones, weights `Wb
(n_in + 1, C)` = the parameter `W (n_in, C)` immediately followed by its
bias `b (C,)` in the flat parameter vector.

The softmax and the loss are the cross-entropy-only kernels of
`kernels.losses` (`softmax_columns`, `softmax_cross_entropy`), which the
MLP's loss uses too, rather than `losses.loss_and_delta`: that one serves
every loss kind and costs ~6 s more cold compile here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tutor.nn.base import ParamBuffer, ParamModel
from tutor.nn.jit import is_float64, kernel
from tutor.nn.kernels.dense import dense_backward, dense_forward, dense_input_grad
from tutor.nn.kernels.losses import softmax_columns, softmax_cross_entropy


@kernel
def softmax_head(
    Wb: np.ndarray,  # (n_in + 1, C) weights with the bias as last row
    A: np.ndarray,  # (n_in + 1, B) features, last row ones
    labels: np.ndarray,  # (B,) int class labels in [0, C) (ignored if predict_only)
    Z: np.ndarray,  # (C, B) out: logits
    probs: np.ndarray,  # (C, B) out (predict_only): class probabilities
    dZ: np.ndarray,  # (C, B) out: d(loss)/d(logits)
    dWb: np.ndarray,  # (n_in + 1, C) out: d(loss)/d([W; b])
    dA: np.ndarray,  # (n_in, B) out: d(loss)/d(features)
    work: np.ndarray,  # (2, B) float64 scratch: column maxima, softmax denominators
    predict_only: bool,
) -> float:
    """Mean cross-entropy over the B columns, -log softmax(z)[label], and all
    gradients (dZ = (softmax(z) - onehot(label)) / B); with predict_only,
    just the probabilities (returns 0). Training passes leave `probs` alone:
    every reader of the probabilities (predict, inspect) predicts first."""
    dense_forward(Wb, A, Z)
    fast = not is_float64(Z)
    if predict_only:
        softmax_columns(Z, probs, work, fast)
        return 0.0
    loss = softmax_cross_entropy(Z, labels, dZ, work, fast)
    dense_backward(A, dZ, dWb)
    dense_input_grad(Wb, dZ, dA)
    return loss


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

    def load_labels(self, y: np.ndarray, columns: str) -> None:
        """Copy the B class labels in, after checking there is one per column
        (`columns` names them in the error: "images", "sequences"...) and that
        they are in [0, C)."""
        y = np.asarray(y).reshape(-1)
        if y.shape[0] != self.labels.shape[0]:
            raise ValueError(f"y has {y.shape[0]} labels for {self.labels.shape[0]} {columns}")
        n_classes = self.logits.shape[0]
        if y.min() < 0 or y.max() >= n_classes:
            raise ValueError(f"labels must be in [0, {n_classes})")
        self.labels[...] = y

    def run(self, Wb: np.ndarray, dWb: np.ndarray, predict_only: bool) -> float:
        """Loss (0 if predict_only) of the labels in `labels`; see softmax_head."""
        return float(softmax_head(Wb, self.features, self.labels, self.logits, self.probs,
                                  self.dlogits, dWb, self.dinputs, self.work,
                                  predict_only))


class HeadModel(ParamModel):
    """The Model API of a network that ends in the softmax head (TinyCNN,
    SequenceClassifier, TinyAttention): training is cross-entropy, then one
    optimizer update of the flat parameter vector.

    Subclasses set `buffer`, `optimizer` and `_Wb, _dWb = head_views(...)`,
    and implement `_forward(X)` (features into the head's `inputs`; returns the
    workspace, whose `head` is a HeadWorkspace) and `_loss_and_gradients(X, y)`
    (gradients into `buffer.grad`).
    """

    _Wb: np.ndarray
    _dWb: np.ndarray

    def _forward(self, X: np.ndarray) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _loss_and_gradients(self, X: np.ndarray, y: np.ndarray) -> float:  # pragma: no cover
        raise NotImplementedError

    def _predict(self, X: np.ndarray) -> Any:
        """Forward pass and class probabilities (in `ws.head.probs`)."""
        ws = self._forward(X)
        ws.head.run(self._Wb, self._dWb, predict_only=True)
        return ws

    def _outputs(self, ws: Any) -> np.ndarray:
        """What `predict` returns from a predicted workspace: (N, n_classes)."""
        return ws.head.probs.T.copy()

    def loss_and_grads(
        self, X: np.ndarray, y: np.ndarray, train: bool = False
    ) -> tuple[float, dict[str, np.ndarray]]:
        """Mean cross-entropy and its gradient; no update (no dropout here)."""
        return self._loss_and_gradients(X, y), self.buffer.grads_dict()

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        loss = self._loss_and_gradients(X, y)
        self.optimizer.update(self.buffer)
        return loss

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities: (N, n_classes), or as the model's `_outputs` shapes them."""
        return self._outputs(self._predict(X))

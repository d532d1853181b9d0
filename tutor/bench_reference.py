"""Plain vectorised numpy versions of the benchmark workloads.

Used only by `tutor.bench`, as the yardstick the engine must beat: each is
what a competent numpy programmer would write for the same maths (same
sizes, activation, loss and Adam update as the engine's model), with no
tricks beyond using matrix products and broadcasting. The app never uses
this module.

Every reference has `params` (a dict keyed like the engine model's, so the
two can be started from identical weights and compared) and
`step(X, y) -> loss before the update`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


class Adam:
    """Adam over a dict of arrays, as in Kingma & Ba (and `tutor.nn.optim`)."""

    def __init__(
        self,
        params: Mapping[str, np.ndarray],
        lr: float = 0.01,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = {name: np.zeros_like(p) for name, p in params.items()}
        self.v = {name: np.zeros_like(p) for name, p in params.items()}
        self.t = 0

    def update(self, params: dict[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        self.t += 1
        correction1 = 1.0 / (1.0 - self.beta1**self.t)
        correction2 = 1.0 / (1.0 - self.beta2**self.t)
        for name, g in grads.items():
            m, v = self.m[name], self.v[name]
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            params[name] -= self.lr * (m * correction1) / (np.sqrt(v * correction2) + self.eps)


# ----------------------------------------------------------------------
# Shared pieces
# ----------------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # stable for any z


def _softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of integer labels and its gradient w.r.t. the logits."""
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    log_p = shifted - np.log(total)
    loss = -log_p[np.arange(n), y].mean()
    d_logits = exp / total
    d_logits[np.arange(n), y] -= 1.0
    return float(loss), d_logits / n


def _binary_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean BCE of 0/1 labels on (N, 1) logits, and its gradient w.r.t. them."""
    z = logits[:, 0]
    # log(1 + e^z) - y z, written to never overflow
    loss = np.mean(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z))))
    d_logits = ((_sigmoid(z) - y) / z.shape[0])[:, None]
    return float(loss), d_logits


def _loss(kind: str, logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    if kind == "bce":
        return _binary_cross_entropy(logits, y)
    if kind == "softmax_ce":
        return _softmax_cross_entropy(logits, y)
    if kind == "mse":
        diff = logits[:, 0] - y
        return float(np.mean(diff * diff)), (2.0 * diff / diff.shape[0])[:, None]
    raise ValueError(f"unknown loss {kind!r}")


def _activate(kind: str, z: np.ndarray) -> np.ndarray:
    if kind == "tanh":
        return np.tanh(z)
    if kind == "relu":
        return np.maximum(z, 0.0)
    if kind == "sigmoid":
        return _sigmoid(z)
    raise ValueError(f"unknown activation {kind!r}")


def _activation_slope(kind: str, h: np.ndarray) -> np.ndarray:
    """d activation / dz, written in terms of the activation's output h."""
    if kind == "tanh":
        return 1.0 - h * h
    if kind == "relu":
        return (h > 0.0).astype(h.dtype)
    if kind == "sigmoid":
        return h * (1.0 - h)
    raise ValueError(f"unknown activation {kind!r}")


def _glorot(rng: np.random.Generator, fan_in: int, fan_out: int, shape, dtype) -> np.ndarray:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


# ----------------------------------------------------------------------
# Multi-layer perceptron
# ----------------------------------------------------------------------


class MLPReference:
    """Dense layers `sizes[0] -> ... -> sizes[-1]`, one activation, one loss."""

    def __init__(
        self,
        sizes: tuple[int, ...],
        activation: str,
        loss: str,
        *,
        lr: float = 0.01,
        dtype: np.dtype | type = np.float64,
        seed: int = 0,
    ) -> None:
        rng = np.random.default_rng(seed)
        self.activation, self.loss = activation, loss
        self.n_layers = len(sizes) - 1
        self.params: dict[str, np.ndarray] = {}
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            self.params[f"W{i}"] = _glorot(rng, fan_in, fan_out, (fan_in, fan_out), dtype)
            self.params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)
        self.optimizer = Adam(self.params, lr=lr)

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        p = self.params
        outputs = [X]  # input of each layer
        h = X
        for i in range(self.n_layers - 1):
            h = _activate(self.activation, h @ p[f"W{i}"] + p[f"b{i}"])  # (N, H_i)
            outputs.append(h)
        last = self.n_layers - 1
        loss, dz = _loss(self.loss, h @ p[f"W{last}"] + p[f"b{last}"], y)  # dz: (N, out)
        grads: dict[str, np.ndarray] = {}
        for i in range(last, -1, -1):
            h_in = outputs[i]
            grads[f"W{i}"] = h_in.T @ dz
            grads[f"b{i}"] = dz.sum(axis=0)
            if i > 0:
                dz = (dz @ p[f"W{i}"].T) * _activation_slope(self.activation, h_in)
        return loss, grads

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        loss, grads = self.loss_and_grads(X, y)
        self.optimizer.update(self.params, grads)
        return loss

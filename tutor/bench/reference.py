"""Plain vectorised numpy versions of the benchmark workloads.

Used only by `tutor.bench`, as the yardstick the engine must beat: each is
what a competent numpy programmer would write for the same maths (same
sizes, activation, loss and Adam update as the engine's model), with no
tricks beyond using matrix products and broadcasting. The app never uses
this module.

Every reference has `params` (keyed like the engine model's, so the two can
start from identical weights and be compared), `loss_and_grads(X, y)` and
`step(X, y) -> loss before the update`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np


class Adam:
    """Adam (Kingma & Ba) on one flat parameter vector, as `tutor.nn.optim` does.

    One vector rather than a loop over arrays: a dozen numpy calls per step
    whatever the number of layers, which keeps the yardstick lean.
    """

    def __init__(
        self, size: int, dtype: np.dtype | type, lr: float = 0.01,
        beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
    ) -> None:
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = np.zeros(size, dtype=dtype)
        self.v = np.zeros(size, dtype=dtype)
        self.t = 0

    def update(self, theta: np.ndarray, grad: np.ndarray) -> None:
        self.t += 1
        correction1 = 1.0 / (1.0 - self.beta1**self.t)
        correction2 = 1.0 / (1.0 - self.beta2**self.t)
        self.m *= self.beta1
        self.m += (1.0 - self.beta1) * grad
        self.v *= self.beta2
        self.v += (1.0 - self.beta2) * grad * grad
        theta -= self.lr * (self.m * correction1) / (np.sqrt(self.v * correction2) + self.eps)


class Twin:
    """Parameters as named views of one flat vector, and the training step.

    Subclasses declare their parameters with `_declare` and implement
    `loss_and_grads(X, y) -> (loss, {name: gradient})`.
    """

    def _declare(self, shapes: Mapping[str, tuple[int, ...]], dtype, lr: float) -> None:
        sizes = [int(np.prod(shape)) for shape in shapes.values()]
        self.theta = np.zeros(sum(sizes), dtype=dtype)  # (P,)
        self._views: dict[str, np.ndarray] = {}
        start = 0
        for (name, shape), size in zip(shapes.items(), sizes, strict=True):
            self._views[name] = self.theta[start : start + size].reshape(shape)
            start += size
        self.optimizer = Adam(self.theta.size, dtype, lr=lr)

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The live views, by name (writing to one writes to `theta`)."""
        return self._views

    @params.setter
    def params(self, values: Mapping[str, np.ndarray]) -> None:
        for name, view in self._views.items():
            view[...] = values[name]

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        raise NotImplementedError

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        loss, grads = self.loss_and_grads(X, y)
        grad = np.concatenate([grads[name].ravel() for name in self._views])  # (P,)
        self.optimizer.update(self.theta, grad)
        return loss


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
    if kind == "cross_entropy":
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


class MLPReference(Twin):
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
        self.activation, self.loss = activation, loss
        self.n_layers = len(sizes) - 1
        layers = list(itertools.pairwise(sizes))
        shapes: dict[str, tuple[int, ...]] = {}
        for i, (fan_in, fan_out) in enumerate(layers):
            shapes[f"W{i}"] = (fan_in, fan_out)
            shapes[f"b{i}"] = (fan_out,)
        self._declare(shapes, dtype, lr)
        rng = np.random.default_rng(seed)
        for i, (fan_in, fan_out) in enumerate(layers):
            self.params[f"W{i}"][...] = _glorot(rng, fan_in, fan_out, (fan_in, fan_out), dtype)

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


# ----------------------------------------------------------------------
# GRU sequence classifier
# ----------------------------------------------------------------------


class GRUReference(Twin):
    """Token sequences (N, T) -> one-hot -> GRU -> softmax head on the last h.

    The GRU is the PyTorch/cuDNN form, gates r | z | n stacked in columns::

        r = sigmoid(x Wx_r + h Wh_r + b_r)     z = sigmoid(x Wx_z + h Wh_z + b_z)
        n = tanh(x Wx_n + b_n + r * (h Wh_n + b_hn))
        h' = (1 - z) * n + z * h
    """

    def __init__(
        self, n_inputs: int, hidden: int, n_classes: int, *, lr: float = 0.01,
        dtype: np.dtype | type = np.float64, seed: int = 0,
    ) -> None:
        H = hidden
        self.hidden = H
        self._eye = np.eye(n_inputs, dtype=dtype)
        self._declare(
            {"Wx": (n_inputs, 3 * H), "Wh": (H, 3 * H), "b": (4 * H,),
             "Wo": (H, n_classes), "bo": (n_classes,)},
            dtype, lr,
        )
        rng = np.random.default_rng(seed)
        bound = 1.0 / np.sqrt(H)
        for name in ("Wx", "Wh", "Wo"):
            self.params[name][...] = rng.uniform(-bound, bound, self.params[name].shape)

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        p, H = self.params, self.hidden
        Wh, b_hn = p["Wh"], p["b"][3 * H :]
        N, T = X.shape
        onehot = self._eye[X]  # (N, T, D)
        ax = onehot @ p["Wx"] + p["b"][: 3 * H]  # (N, T, 3H) input side of every step
        h = np.zeros((N, H), dtype=ax.dtype)
        steps = []  # (h_prev, r, z, n, hn) per step, for backpropagation through time
        for t in range(T):
            ah = h @ Wh  # (N, 3H)
            r = _sigmoid(ax[:, t, :H] + ah[:, :H])
            z = _sigmoid(ax[:, t, H : 2 * H] + ah[:, H : 2 * H])
            hn = ah[:, 2 * H :] + b_hn
            n = np.tanh(ax[:, t, 2 * H :] + r * hn)
            steps.append((h, r, z, n, hn))
            h = n + z * (h - n)
        loss, d_logits = _softmax_cross_entropy(h @ p["Wo"] + p["bo"], y)
        grads = {"Wo": h.T @ d_logits, "bo": d_logits.sum(axis=0)}
        dh = d_logits @ p["Wo"].T  # (N, H)
        d_ax = np.empty_like(ax)  # (N, T, 3H)
        dWh = np.zeros_like(Wh)
        db_hn = np.zeros_like(b_hn)
        for t in range(T - 1, -1, -1):
            h_prev, r, z, n, hn = steps[t]
            d_n = dh * (1.0 - z) * (1.0 - n * n)  # at the pre-activation of n
            d_z = dh * (h_prev - n) * z * (1.0 - z)
            d_hn = d_n * r
            d_r = d_n * hn * r * (1.0 - r)
            d_ax[:, t] = np.concatenate([d_r, d_z, d_n], axis=1)
            d_ah = np.concatenate([d_r, d_z, d_hn], axis=1)  # (N, 3H)
            dWh += h_prev.T @ d_ah
            db_hn += d_hn.sum(axis=0)
            dh = dh * z + d_ah @ Wh.T
        D = onehot.shape[2]
        grads["Wx"] = onehot.reshape(-1, D).T @ d_ax.reshape(-1, 3 * H)
        grads["Wh"] = dWh
        grads["b"] = np.concatenate([d_ax.sum(axis=(0, 1)), db_hn])
        return loss, grads


# ----------------------------------------------------------------------
# Tiny CNN
# ----------------------------------------------------------------------


class CNNReference(Twin):
    """Images (N, C, S, S) -> 'valid' convolution, F filters K x K -> ReLU ->
    2x2 max-pooling -> softmax head on the pooled maps (flattened filter-major).

    The convolution is im2col + one matrix product, the usual numpy way.
    """

    def __init__(
        self, image_size: int, in_channels: int, n_filters: int, kernel_size: int,
        n_classes: int, *, lr: float = 0.01, dtype: np.dtype | type = np.float64, seed: int = 0,
    ) -> None:
        self.kernel_size = kernel_size
        self.pooled_size = (image_size - kernel_size + 1) // 2
        n_features = n_filters * self.pooled_size**2
        self._declare(
            {"conv_W": (n_filters, in_channels, kernel_size, kernel_size), "conv_b": (n_filters,),
             "Wo": (n_features, n_classes), "bo": (n_classes,)},
            dtype, lr,
        )
        rng = np.random.default_rng(seed)
        fan_in = in_channels * kernel_size**2
        for name, variance in (("conv_W", 2.0 / fan_in), ("Wo", 1.0 / n_features)):
            view = self.params[name]
            view[...] = rng.normal(0.0, np.sqrt(variance), view.shape)

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        p, K, P = self.params, self.kernel_size, self.pooled_size
        N, C = X.shape[:2]
        F = p["conv_b"].shape[0]
        M = 2 * P  # an odd last row/column of the maps is not pooled
        # (N, C, S-K+1, S-K+1, K, K): every K x K window, as a view
        patches = np.lib.stride_tricks.sliding_window_view(X, (K, K), axis=(2, 3))
        cols = patches[:, :, :M, :M].transpose(0, 2, 3, 1, 4, 5).reshape(N * M * M, C * K * K)
        W = p["conv_W"].reshape(F, C * K * K)
        z = cols @ W.T + p["conv_b"]  # (N*M*M, F) pre-activations
        a = np.maximum(z, 0.0)
        windows = a.reshape(N, P, 2, P, 2, F)
        pooled = windows.max(axis=(2, 4))  # (N, P, P, F)
        features = pooled.transpose(0, 3, 1, 2).reshape(N, F * P * P)
        loss, d_logits = _softmax_cross_entropy(features @ p["Wo"] + p["bo"], y)
        grads = {"Wo": features.T @ d_logits, "bo": d_logits.sum(axis=0)}
        d_pooled = (d_logits @ p["Wo"].T).reshape(N, F, P, P).transpose(0, 2, 3, 1)  # (N, P, P, F)
        winners = windows == pooled[:, :, None, :, None, :]  # gradient goes to each window's max
        d_a = (winners * d_pooled[:, :, None, :, None, :]).reshape(N * M * M, F)
        d_z = d_a * (z > 0.0)
        grads["conv_W"] = (d_z.T @ cols).reshape(p["conv_W"].shape)
        grads["conv_b"] = d_z.sum(axis=0)
        return loss, grads


# ----------------------------------------------------------------------
# Tiny self-attention
# ----------------------------------------------------------------------


def _sinusoids(length: int, d: int) -> np.ndarray:
    """(length, d): sin(t w_i) in even columns, cos(t w_i) in odd ones, w_i = 10000^(-2i/d)."""
    angles = np.arange(length)[:, None] * 10000.0 ** (-np.arange(0, d, 2) / d)[None, :]
    P = np.zeros((length, d))
    P[:, 0::2] = np.sin(angles)
    P[:, 1::2] = np.cos(angles[:, : d // 2])
    return P


class AttentionReference(Twin):
    """Tokens (N, T) -> embedding + sinusoidal positions -> one head of scaled
    dot-product self-attention -> softmax head at every position, labels (N, T)."""

    def __init__(
        self, vocab_size: int, max_len: int, d_model: int, n_classes: int, *, lr: float = 0.01,
        dtype: np.dtype | type = np.float64, seed: int = 0,
    ) -> None:
        d = d_model
        self._eye = np.eye(vocab_size, dtype=dtype)
        self._positions = _sinusoids(max_len, d).astype(dtype)
        self._declare(
            {"embed": (vocab_size, d), "Wq": (d, d), "Wk": (d, d), "Wv": (d, d),
             "Wo": (d, n_classes), "bo": (n_classes,)},
            dtype, lr,
        )
        rng = np.random.default_rng(seed)
        for name in ("embed", "Wq", "Wk", "Wv", "Wo"):
            view = self.params[name]
            view[...] = rng.standard_normal(view.shape) / (1.0 if name == "embed" else np.sqrt(d))

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        p = self.params
        N, T = X.shape
        d = p["Wq"].shape[0]
        scale = 1.0 / np.sqrt(d)
        onehot = self._eye[X]  # (N, T, vocab)
        E = onehot @ p["embed"] + self._positions[:T]  # (N, T, d)
        Q, K, V = E @ p["Wq"], E @ p["Wk"], E @ p["Wv"]  # (N, T, d)
        scores = (Q @ K.transpose(0, 2, 1)) * scale  # (N, T, T)
        scores -= scores.max(axis=2, keepdims=True)
        A = np.exp(scores)
        A /= A.sum(axis=2, keepdims=True)  # row i: where position i looks
        O = A @ V  # (N, T, d)  # noqa: E741 (the attention output, as in the engine)
        flat_O = O.reshape(N * T, d)
        loss, d_logits = _softmax_cross_entropy(flat_O @ p["Wo"] + p["bo"], y.reshape(N * T))
        grads = {"Wo": flat_O.T @ d_logits, "bo": d_logits.sum(axis=0)}
        dO = (d_logits @ p["Wo"].T).reshape(N, T, d)
        dV = A.transpose(0, 2, 1) @ dO
        dA = dO @ V.transpose(0, 2, 1)  # (N, T, T)
        dS = A * (dA - (A * dA).sum(axis=2, keepdims=True)) * scale  # through the softmax
        dQ, dK = dS @ K, dS.transpose(0, 2, 1) @ Q
        flat_E = E.reshape(N * T, d)
        for name, dY in (("Wq", dQ), ("Wk", dK), ("Wv", dV)):
            grads[name] = flat_E.T @ dY.reshape(N * T, d)
        dE = dQ @ p["Wq"].T + dK @ p["Wk"].T + dV @ p["Wv"].T  # (N, T, d)
        grads["embed"] = onehot.reshape(N * T, -1).T @ dE.reshape(N * T, d)
        return loss, grads

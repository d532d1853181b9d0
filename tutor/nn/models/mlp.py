"""Multi-layer perceptron of any depth: the workhorse of the 2-D demos.

One training step is ONE numba call (`mlp_train_step`): forward, loss,
backward and the optimizer update of the whole flat parameter vector, on
work buffers allocated once per batch size. Matrix products go to BLAS
(see `tutor.nn.kernels.dense` for the folded-bias layout), everything
elementwise is a fused, vectorised loop.

Buffers, all flat and feature-major (`(units, B)` per layer):
    acts  input block of every dense layer l = 0..L-1: `(n_l + 1, B)`, last row ones
    pre   output of every dense layer: `(n_{l+1}, B)`; for hidden layers the
          pre-activation is overwritten by f'(z) (times the dropout mask)
    dpre  d loss / d pre, same layout
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from tutor.nn.base import (
    DType,
    Optimizer,
    OptimizerConfig,
    ParamBuffer,
    ParamModel,
    classification_accuracy,
)
from tutor.nn.jit import kernel
from tutor.nn.kernels.activations import ACTIVATIONS, activation_backward, activation_forward
from tutor.nn.kernels.dense import dense_backward, dense_forward
from tutor.nn.kernels.dropout import draw_uniforms, dropout_forward
from tutor.nn.kernels.losses import BCE, CROSS_ENTROPY, LOSSES, loss_and_delta, output_values
from tutor.nn.optim import apply_update

# Activations whose weights are initialised for a half-open unit (He), not Glorot.
_RECTIFIERS = ("relu", "leaky_relu", "gelu")
_WORKSPACES_KEPT = 4  # batch sizes with live buffers (train batch, full set, grid, ...)


# --------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------


@kernel
def layer_offsets(sizes: np.ndarray, B: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where layer l starts in theta, acts and pre (arrays of length L + 1)."""
    L = sizes.shape[0] - 1
    theta_at = np.zeros(L + 1, np.int64)
    acts_at = np.zeros(L + 1, np.int64)
    pre_at = np.zeros(L + 1, np.int64)
    for l in range(L):
        theta_at[l + 1] = theta_at[l] + (sizes[l] + 1) * sizes[l + 1]
        acts_at[l + 1] = acts_at[l] + (sizes[l] + 1) * B
        pre_at[l + 1] = pre_at[l] + sizes[l + 1] * B
    return theta_at, acts_at, pre_at


@kernel
def mlp_forward(
    X: np.ndarray,  # (B, n_0) inputs
    theta: np.ndarray,  # (P,) parameters [W0; b0; W1; b1; ...]
    sizes: np.ndarray,  # (L + 1,) units per layer, input first
    activation: int,
    slope: float,
    fast: bool,
    need_deriv: bool,  # keep f'(z) in `pre` for a backward pass
    rate: float,  # dropout rate of hidden units (0: off)
    uniforms: np.ndarray,  # U[0, 1) per hidden unit and example (if rate > 0)
    acts: np.ndarray,
    pre: np.ndarray,
) -> None:
    B = X.shape[0]
    L = sizes.shape[0] - 1
    theta_at, acts_at, pre_at = layer_offsets(sizes, B)
    n0 = sizes[0]
    A0 = acts[: (n0 + 1) * B].reshape((n0 + 1, B))
    for k in range(n0):
        for i in range(B):
            A0[k, i] = X[i, k]
    A0[n0, :] = 1.0
    for l in range(L):
        n_in, n_out = sizes[l], sizes[l + 1]
        Wb = theta[theta_at[l] : theta_at[l + 1]].reshape((n_in + 1, n_out))
        A = acts[acts_at[l] : acts_at[l] + (n_in + 1) * B].reshape((n_in + 1, B))
        z = pre[pre_at[l] : pre_at[l + 1]]  # (n_out * B,)
        dense_forward(Wb, A, z.reshape((n_out, B)))
        if l < L - 1:
            start = acts_at[l + 1]
            a = acts[start : start + n_out * B]
            activation_forward(activation, z, a, slope, fast, need_deriv)
            if rate > 0.0:
                dropout_forward(a, z, uniforms[pre_at[l] : pre_at[l + 1]], rate, need_deriv)
            acts[start + n_out * B : start + (n_out + 1) * B] = 1.0


@kernel
def mlp_backward(
    theta: np.ndarray,
    grad: np.ndarray,  # (P,) out: d loss / d theta
    sizes: np.ndarray,
    B: int,
    acts: np.ndarray,
    pre: np.ndarray,  # hidden blocks hold f'(z) from mlp_forward
    dpre: np.ndarray,  # last block holds d loss / d outputs; the rest is filled here
) -> None:
    L = sizes.shape[0] - 1
    theta_at, acts_at, pre_at = layer_offsets(sizes, B)
    for l in range(L - 1, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        Wb = theta[theta_at[l] : theta_at[l + 1]].reshape((n_in + 1, n_out))
        dWb = grad[theta_at[l] : theta_at[l + 1]].reshape((n_in + 1, n_out))
        A = acts[acts_at[l] : acts_at[l] + (n_in + 1) * B].reshape((n_in + 1, B))
        dZ = dpre[pre_at[l] : pre_at[l + 1]].reshape((n_out, B))
        if l > 0:
            dA = dpre[pre_at[l - 1] : pre_at[l]]  # d loss / d (hidden layer l output)
            dense_backward(Wb, A, dZ, dWb, dA.reshape((n_in, B)), True)
            activation_backward(dA, pre[pre_at[l - 1] : pre_at[l]])
        else:
            dense_backward(Wb, A, dZ, dWb, dZ, False)


@kernel
def mlp_loss_and_grads(
    X: np.ndarray,  # (B, n_0)
    T: np.ndarray,  # (n_L, B) float targets (BCE, MSE)
    labels: np.ndarray,  # (B,) int labels (cross-entropy)
    theta: np.ndarray,
    grad: np.ndarray,
    sizes: np.ndarray,
    activation: int,
    slope: float,
    fast: bool,
    loss: int,
    rate: float,
    uniforms: np.ndarray,
    acts: np.ndarray,
    pre: np.ndarray,
    dpre: np.ndarray,
) -> float:
    """Forward, loss and backward: fills `grad`, returns the mean data loss."""
    B = X.shape[0]
    L = sizes.shape[0] - 1
    mlp_forward(X, theta, sizes, activation, slope, fast, True, rate, uniforms, acts, pre)
    n_out = sizes[L]
    start = pre.shape[0] - n_out * B  # the output block is the last one
    Z = pre[start:].reshape((n_out, B))
    dZ = dpre[start:].reshape((n_out, B))
    value = loss_and_delta(loss, Z, T, labels, dZ)
    mlp_backward(theta, grad, sizes, B, acts, pre, dpre)
    return value


@kernel
def mlp_train_step(
    X: np.ndarray,
    T: np.ndarray,
    labels: np.ndarray,
    theta: np.ndarray,
    grad: np.ndarray,
    decay_mask: np.ndarray,
    sizes: np.ndarray,
    activation: int,
    slope: float,
    fast: bool,
    loss: int,
    rate: float,
    uniforms: np.ndarray,
    acts: np.ndarray,
    pre: np.ndarray,
    dpre: np.ndarray,
    m: np.ndarray,  # optimizer state and hyper-parameters: see Optimizer.prepare_step
    v: np.ndarray,
    kind: int,
    lr: float,
    momentum: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    correction1: float,
    correction2: float,
) -> float:
    """One full training step; returns the loss before the update."""
    value = mlp_loss_and_grads(
        X, T, labels, theta, grad, sizes, activation, slope, fast, loss, rate, uniforms,
        acts, pre, dpre,
    )
    apply_update(
        theta, grad, decay_mask, m, v, kind, lr, momentum, beta1, beta2, eps, weight_decay,
        correction1, correction2,
    )
    return value


@kernel
def mlp_predict(
    X: np.ndarray,
    theta: np.ndarray,
    sizes: np.ndarray,
    activation: int,
    slope: float,
    fast: bool,
    loss: int,
    acts: np.ndarray,
    pre: np.ndarray,
    out: np.ndarray,  # (n_L, B) out: probabilities or regression values
) -> None:
    mlp_forward(X, theta, sizes, activation, slope, fast, False, 0.0, pre, acts, pre)
    n_out, B = out.shape
    output_values(loss, pre[pre.shape[0] - n_out * B :].reshape((n_out, B)), out)


# --------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class MLPConfig:
    """An MLP: `sizes` = (inputs, hidden..., outputs).

    loss: "bce" (1 output, sigmoid), "cross_entropy" (>= 2 outputs, softmax),
    "mse" (identity outputs, regression or 0/1 targets).
    activation (hidden layers): identity, relu, leaky_relu, gelu (tanh form),
    sigmoid, tanh. Weights start N(0, gain / fan_in) * init_scale**2 in
    variance, gain 2 for rectifiers (He) and 1 otherwise; biases start at 0.
    dtype "float32" trains (fast tanh); "float64" is exact (gradient checks).
    """

    sizes: tuple[int, ...] = (2, 16, 16, 1)
    activation: str = "tanh"
    loss: str = "bce"
    dropout: float = 0.0
    leaky_slope: float = 0.01
    init_scale: float = 1.0
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    dtype: DType = "float32"

    def __post_init__(self) -> None:
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"sizes needs >= 2 positive entries, got {self.sizes}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; one of {sorted(ACTIVATIONS)}")
        if self.loss not in LOSSES:
            raise ValueError(f"unknown loss {self.loss!r}; one of {sorted(LOSSES)}")
        if self.loss == "bce" and self.sizes[-1] != 1:
            raise ValueError("loss 'bce' needs exactly 1 output")
        if self.loss == "cross_entropy" and self.sizes[-1] < 2:
            raise ValueError("loss 'cross_entropy' needs >= 2 outputs")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError("dropout must be in [0, 1)")
        if self.dtype not in ("float32", "float64"):
            raise ValueError("dtype must be 'float32' or 'float64'")


class _Workspace:
    """Work buffers of one batch size (see the module docstring)."""

    def __init__(self, sizes: tuple[int, ...], B: int, dtype: np.dtype) -> None:
        hidden_and_out = sum(sizes[1:]) * B
        self.acts = np.zeros(sum(n + 1 for n in sizes[:-1]) * B, dtype)
        self.pre = np.zeros(hidden_and_out, dtype)
        self.dpre = np.zeros(hidden_and_out, dtype)
        self.uniforms = np.zeros(sum(sizes[1:-1]) * B, dtype)
        self.out = np.zeros((sizes[-1], B), dtype)


class MLP(ParamModel):
    """Dense network; parameters "W0", "b0", "W1", ... with `W_l` of shape (n_l, n_{l+1})."""

    def __init__(self, config: MLPConfig, seed: int = 0) -> None:
        self.config = config
        self.dtype = np.dtype(config.dtype)
        self._rng = np.random.default_rng(seed)  # init, then dropout masks
        self._sizes = np.asarray(config.sizes, dtype=np.int64)
        self._activation = ACTIVATIONS[config.activation]
        self._loss = LOSSES[config.loss]
        self._fast = self.dtype == np.float32
        self._dropout = config.dropout
        layers = list(zip(config.sizes[:-1], config.sizes[1:]))
        shapes: dict[str, tuple[int, ...]] = {}
        for l, (n_in, n_out) in enumerate(layers):
            shapes[f"W{l}"] = (n_in, n_out)  # b_l right after W_l: the kernels rely on it
            shapes[f"b{l}"] = (n_out,)
        self.buffer = ParamBuffer(shapes, self.dtype, decay=[f"W{l}" for l in range(len(layers))])
        gain = 2.0 if config.activation in _RECTIFIERS else 1.0
        for l, (n_in, _) in enumerate(layers):
            W = self.buffer[f"W{l}"]
            W[...] = self._rng.standard_normal(W.shape) * (config.init_scale * np.sqrt(gain / n_in))
        self.optimizer = Optimizer(config.optimizer, self.buffer.size, self.dtype)
        self._workspaces: OrderedDict[int, _Workspace] = OrderedDict()
        self._no_labels = np.zeros(0, np.int64)
        self._no_targets = np.zeros((0, 0), self.dtype)

    # ---- settable knobs --------------------------------------------------

    @property
    def dropout(self) -> float:
        return self._dropout

    @dropout.setter
    def dropout(self, rate: float) -> None:
        if not 0.0 <= rate < 1.0:
            raise ValueError("dropout must be in [0, 1)")
        self._dropout = float(rate)

    @property
    def n_layers(self) -> int:
        """Dense layers (hidden + output)."""
        return len(self.config.sizes) - 1

    # ---- input handling ---------------------------------------------------

    def _workspace(self, B: int) -> _Workspace:
        ws = self._workspaces.get(B)
        if ws is None:
            ws = _Workspace(self.config.sizes, B, self.dtype)
            self._workspaces[B] = ws
            if len(self._workspaces) > _WORKSPACES_KEPT:
                self._workspaces.popitem(last=False)
        else:
            self._workspaces.move_to_end(B)
        return ws

    def _inputs(self, X: np.ndarray) -> np.ndarray:
        X = np.ascontiguousarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[1] != self.config.sizes[0] or X.shape[0] == 0:
            raise ValueError(f"X must be (N >= 1, {self.config.sizes[0]}), got {X.shape}")
        return X

    def _targets(self, y: np.ndarray, B: int) -> tuple[np.ndarray, np.ndarray]:
        """(T (n_out, B) float targets, labels (B,) int) as the loss kernel wants them."""
        y = np.asarray(y)
        n_out = self.config.sizes[-1]
        if y.shape[0] != B:
            raise ValueError(f"y has {y.shape[0]} rows for {B} inputs")
        if self._loss == CROSS_ENTROPY:
            labels = np.ascontiguousarray(y.reshape(B), dtype=np.int64)
            if labels.min() < 0 or labels.max() >= n_out:
                raise ValueError(f"labels must be in [0, {n_out})")
            return self._no_targets, labels
        if self._loss == BCE or (y.ndim == 1 and n_out == 1):
            return np.ascontiguousarray(y.reshape(1, B), dtype=self.dtype), self._no_labels
        if y.ndim == 1:  # MSE on class labels: one-hot targets
            T = np.zeros((n_out, B), self.dtype)
            T[y.astype(np.int64), np.arange(B)] = 1.0
            return T, self._no_labels
        return np.ascontiguousarray(y.T, dtype=self.dtype), self._no_labels

    # ---- the Model API ----------------------------------------------------

    def _run_loss_and_grads(self, X: np.ndarray, y: np.ndarray, train: bool) -> float:
        X = self._inputs(X)
        B = X.shape[0]
        T, labels = self._targets(y, B)
        ws = self._workspace(B)
        rate = self._dropout if train else 0.0
        if rate > 0.0:
            draw_uniforms(self._rng, ws.uniforms)
        b = self.buffer
        return mlp_loss_and_grads(
            X, T, labels, b.data, b.grad, self._sizes, self._activation,
            self.config.leaky_slope, self._fast, self._loss, rate, ws.uniforms,
            ws.acts, ws.pre, ws.dpre,
        )

    def loss_and_grads(
        self, X: np.ndarray, y: np.ndarray, train: bool = False
    ) -> tuple[float, dict[str, np.ndarray]]:
        """Mean data loss and its gradient (dropout only if `train`); no update."""
        value = self._run_loss_and_grads(X, y, train)
        return float(value), self.buffer.grads_dict()

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        X = self._inputs(X)
        B = X.shape[0]
        T, labels = self._targets(y, B)
        ws = self._workspace(B)
        rate = self._dropout
        if rate > 0.0:
            draw_uniforms(self._rng, ws.uniforms)
        b = self.buffer
        return float(
            mlp_train_step(
                X, T, labels, b.data, b.grad, b.decay_mask, self._sizes, self._activation,
                self.config.leaky_slope, self._fast, self._loss, rate, ws.uniforms,
                ws.acts, ws.pre, ws.dpre, *self.optimizer.prepare_step(),
            )
        )

    def _forward_outputs(self, X: np.ndarray) -> tuple[np.ndarray, _Workspace]:
        X = self._inputs(X)
        ws = self._workspace(X.shape[0])
        mlp_predict(
            X, self.buffer.data, self._sizes, self._activation, self.config.leaky_slope,
            self._fast, self._loss, ws.acts, ws.pre, ws.out,
        )
        return ws.out, ws

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(N,) for one output (probability or value), else (N, C)."""
        out, _ = self._forward_outputs(X)
        return out[0].copy() if out.shape[0] == 1 else out.T.copy()

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        y = np.asarray(y)
        if y.ndim == 2:  # one-hot / multi-output targets
            y = y.argmax(axis=1)
        return classification_accuracy(self.predict(X), y)

    def inspect(self, X: np.ndarray, y: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """What the graphics show for inputs X.

        "hidden_<k>" (N, units) activations of hidden layer k (no dropout),
        "outputs" as `predict`, "grad_norm_per_layer" (L,) norms of each layer's
        [W; b] gradient (of the loss on (X, y) if y is given, else of the last
        step), "weight_norm_per_layer" (L,), "active_fraction_per_layer" (L-1,)
        share of hidden activations > 0.
        """
        if y is not None:
            self._run_loss_and_grads(X, y, train=False)
        out, ws = self._forward_outputs(X)
        sizes = self.config.sizes
        B = out.shape[1]
        result: dict[str, np.ndarray] = {}
        start = (sizes[0] + 1) * B
        active = []
        for k, n in enumerate(sizes[1:-1]):
            hidden = ws.acts[start : start + n * B].reshape(n, B)
            result[f"hidden_{k}"] = hidden.T.copy()
            active.append(float(np.mean(hidden > 0)))
            start += (n + 1) * B
        result["outputs"] = out[0].copy() if out.shape[0] == 1 else out.T.copy()
        b = self.buffer
        result["grad_norm_per_layer"] = np.array(
            [np.sqrt(np.sum(b.grad_view(f"W{l}") ** 2) + np.sum(b.grad_view(f"b{l}") ** 2))
             for l in range(self.n_layers)]
        )
        result["weight_norm_per_layer"] = np.array(
            [np.linalg.norm(b[f"W{l}"]) for l in range(self.n_layers)]
        )
        result["active_fraction_per_layer"] = np.array(active)
        return result

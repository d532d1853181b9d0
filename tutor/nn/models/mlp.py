"""Multi-layer perceptron of any depth: the workhorse of the 2-D demos.

One training step is ONE numba call (`tutor.nn.kernels.mlp.mlp_pass` in
TRAIN mode): forward, loss, backward and the optimizer update of the whole
flat parameter vector, on work buffers allocated once per batch size.

Buffers, all flat and feature-major (`(units, B)` per layer):
    acts  input block of every dense layer l = 0..L-1: `(n_l + 1, B)`, last row
          ones (set once); block 0 holds the inputs X^T, copied in by numpy
    pre   output of every dense layer: `(n_{l+1}, B)`; for hidden layers the
          pre-activation is overwritten by f'(z) (times the dropout mask)
    dpre  d loss / d pre, same layout
Inputs and targets are copied into these buffers by numpy before each call,
so the kernels only ever see the model's own writable, contiguous arrays:
one compiled signature per dtype, whatever arrays (read-only, float64,
strided) the caller passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tutor.nn.base import (
    DType,
    Optimizer,
    OptimizerConfig,
    ParamBuffer,
    ParamModel,
    check_dtype,
    classification_accuracy,
)
from tutor.nn.kernels.activations import ACTIVATIONS
from tutor.nn.kernels.dropout import draw_uniforms
from tutor.nn.kernels.losses import BCE, CROSS_ENTROPY, LOSSES, MSE
from tutor.nn.kernels.mlp import GRADIENTS, PREDICT, TRAIN, layer_offsets, mlp_pass
from tutor.nn.models.workspaces import WorkspaceCache

# Activations whose weights are initialised for a half-open unit (He), not Glorot.
_RECTIFIERS = ("relu", "leaky_relu", "gelu")


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
            raise ValueError(
                f"unknown activation {self.activation!r}; one of {sorted(ACTIVATIONS)}"
            )
        if self.loss not in LOSSES:
            raise ValueError(f"unknown loss {self.loss!r}; one of {sorted(LOSSES)}")
        if self.loss == "bce" and self.sizes[-1] != 1:
            raise ValueError("loss 'bce' needs exactly 1 output")
        if self.loss == "cross_entropy" and self.sizes[-1] < 2:
            raise ValueError("loss 'cross_entropy' needs >= 2 outputs")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError("dropout must be in [0, 1)")
        check_dtype(self.dtype)


class _Workspace:
    """Work buffers of one batch size (see the module docstring)."""

    def __init__(self, sizes: tuple[int, ...], B: int, dtype: np.dtype) -> None:
        self.B = B
        self.offsets = layer_offsets(sizes, B)
        self.acts = np.zeros(sum(n + 1 for n in sizes[:-1]) * B, dtype)
        start = 0
        self.hidden: list[np.ndarray] = []  # (n_l, B) views of hidden activations
        for layer, n in enumerate(sizes[:-1]):
            block = self.acts[start : start + (n + 1) * B].reshape(n + 1, B)
            block[n] = 1.0  # the constant input that carries the bias
            if layer == 0:
                self.inputs = block[:n]  # (n_0, B) X^T
            else:
                self.hidden.append(block[:n])
            start += (n + 1) * B
        self.pre = np.zeros(sum(sizes[1:]) * B, dtype)
        self.dpre = np.zeros_like(self.pre)
        self.uniforms = np.zeros(sum(sizes[1:-1]) * B, dtype)
        self.targets = np.zeros((sizes[-1], B), dtype)  # (n_L, B) float targets
        self.labels = np.zeros(B, np.int64)  # (B,) class labels
        self.out = np.zeros((sizes[-1], B), dtype)
        self.work = np.zeros((2, B), np.float64)


class MLP(ParamModel):
    """Dense network; parameters "W0", "b0", "W1", ... with `W_l` of shape (n_l, n_{l+1})."""

    def __init__(self, config: MLPConfig, seed: int = 0) -> None:
        self.config = config
        self.dtype = np.dtype(config.dtype)
        self._rng = np.random.default_rng(seed)  # init, then dropout masks
        self._sizes = np.asarray(config.sizes, dtype=np.int64)
        self._activation = ACTIVATIONS[config.activation]
        self._loss = LOSSES[config.loss]
        self._dropout = config.dropout
        layers = list(zip(config.sizes[:-1], config.sizes[1:], strict=True))
        shapes: dict[str, tuple[int, ...]] = {}
        for layer, (n_in, n_out) in enumerate(layers):
            shapes[f"W{layer}"] = (n_in, n_out)  # b_l right after W_l: the kernels rely on it
            shapes[f"b{layer}"] = (n_out,)
        weights = [f"W{layer}" for layer in range(len(layers))]
        self.buffer = ParamBuffer(shapes, self.dtype, decay=weights)
        gain = 2.0 if config.activation in _RECTIFIERS else 1.0
        for layer, (n_in, _) in enumerate(layers):
            W = self.buffer[f"W{layer}"]
            W[...] = self._rng.standard_normal(W.shape) * (config.init_scale * np.sqrt(gain / n_in))
        self.optimizer = Optimizer(config.optimizer, self.buffer.size, self.dtype)
        self._workspace: WorkspaceCache[int, _Workspace] = WorkspaceCache(
            lambda B: _Workspace(config.sizes, B, self.dtype))
        self._frozen_optimizer = self.optimizer.idle_args()  # for passes without update

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

    # ---- batches ----------------------------------------------------------

    def _load_inputs(self, X: np.ndarray) -> _Workspace:
        """Copy X (N, n_0) into the workspace of batch size N (as X^T)."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.config.sizes[0] or X.shape[0] == 0:
            raise ValueError(f"X must be (N >= 1, {self.config.sizes[0]}), got {X.shape}")
        ws = self._workspace(X.shape[0])
        ws.inputs[...] = X.T
        return ws

    def _load_targets(self, ws: _Workspace, y: np.ndarray) -> None:
        """Copy y into the workspace as the loss kernel wants it: int labels
        (cross-entropy) or float targets (n_L, B); MSE on int labels of a
        multi-output net means one-hot targets."""
        y = np.asarray(y)
        B, n_out = ws.B, self.config.sizes[-1]
        if y.shape[0] != B:
            raise ValueError(f"y has {y.shape[0]} rows for {B} inputs")
        if self._loss == CROSS_ENTROPY:
            ws.labels[...] = y.reshape(B)  # the kernel checks the range
        elif self._loss == BCE or (y.ndim == 1 and n_out == 1):
            ws.targets[0] = y.reshape(B)
        elif y.ndim == 1:
            ws.targets[...] = 0.0
            ws.targets[y.astype(np.int64), np.arange(B)] = 1.0
        else:
            ws.targets[...] = y.T

    def _prepare(
        self, X: np.ndarray, y: np.ndarray, train: bool, rng: np.random.Generator | None = None
    ) -> tuple[_Workspace, float]:
        """Load a batch; draw dropout masks (from `rng`, default the model's) if training."""
        ws = self._load_inputs(X)
        self._load_targets(ws, y)
        rate = self._dropout if train else 0.0
        if rate > 0.0:
            draw_uniforms(self._rng if rng is None else rng, ws.uniforms)
        return ws, rate

    def _run(self, mode: int, ws: _Workspace, rate: float = 0.0) -> float:
        b = self.buffer
        optimizer_args = self.optimizer.prepare_step() if mode == TRAIN else self._frozen_optimizer
        return mlp_pass(
            mode,
            ws.B,
            b.data,
            b.grad,
            self._sizes,
            ws.offsets,
            self._activation,
            self.config.leaky_slope,
            self._loss,
            rate,
            ws.uniforms,
            ws.acts,
            ws.pre,
            ws.dpre,
            ws.targets,
            ws.labels,
            ws.out,
            ws.work,
            b.decay_mask,
            *optimizer_args,
        )

    # ---- the Model API ----------------------------------------------------

    def loss_and_grads(
        self,
        X: np.ndarray,
        y: np.ndarray,
        train: bool = False,
        rng: np.random.Generator | None = None,
    ) -> tuple[float, dict[str, np.ndarray]]:
        """Mean data loss and its gradient; no update. Dropout only if `train`,
        with masks from `rng` (default: the model's own generator)."""
        value = self._run(GRADIENTS, *self._prepare(X, y, train, rng))
        return float(value), self.buffer.grads_dict()

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        return float(self._run(TRAIN, *self._prepare(X, y, train=True)))

    def _forward_outputs(self, X: np.ndarray) -> tuple[np.ndarray, _Workspace]:
        ws = self._load_inputs(X)
        self._run(PREDICT, ws)
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
        "outputs" as `predict` (also as "probabilities" unless the loss is
        MSE), "grad_norm_per_layer" (L,) norms of each layer's
        [W; b] gradient (of the loss on (X, y) if y is given, else of the last
        step), "weight_norm_per_layer" (L,), "active_fraction_per_layer" (L-1,)
        share of hidden activations > 0.
        """
        if y is not None:
            self._run(GRADIENTS, *self._prepare(X, y, train=False))
        out, ws = self._forward_outputs(X)
        result: dict[str, np.ndarray] = {}
        for k, hidden in enumerate(ws.hidden):
            result[f"hidden_{k}"] = hidden.T.copy()  # (N, units)
        result["outputs"] = out[0].copy() if out.shape[0] == 1 else out.T.copy()
        if self._loss != MSE:
            result["probabilities"] = result["outputs"]  # the same array, by its meaning
        b = self.buffer
        result["grad_norm_per_layer"] = np.array(
            [
                np.sqrt(
                    np.sum(b.grad_view(f"W{layer}") ** 2) + np.sum(b.grad_view(f"b{layer}") ** 2)
                )
                for layer in range(self.n_layers)
            ]
        )
        result["weight_norm_per_layer"] = np.array(
            [np.linalg.norm(b[f"W{layer}"]) for layer in range(self.n_layers)]
        )
        result["active_fraction_per_layer"] = np.array([np.mean(h > 0) for h in ws.hidden])
        return result

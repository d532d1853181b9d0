"""TinyAttention: token embedding + positional encoding, one head of
scaled dot-product self-attention, and a softmax head on its outputs.

The model of the attention lessons: `inspect` returns the attention weights
(B, T, T), so a learner can watch the map sharpen onto the right position
(e.g. "copy the previous token": row t should peak at column t - 1).

Targets are per position (y of shape (N, T), the head reads every output
O_t) or per sequence (y of shape (N,), the head reads the last position's
output, which attends over the whole sequence).

A training step is four kernel calls: attention forward, the softmax head
(forward, loss and backward together), attention backward, the optimizer
update. Buffers are allocated once per (batch size, length).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from tutor.nn.base import DType, Optimizer, OptimizerConfig, ParamBuffer, check_dtype
from tutor.nn.kernels.attention import attention_backward, attention_forward, sinusoidal_positions
from tutor.nn.models.head import HeadModel, HeadWorkspace, head_views
from tutor.nn.models.workspaces import WorkspaceCache

Positions = Literal["sinusoidal", "learned"]
Target = Literal["per_position", "last"]


@dataclass(frozen=True)
class TinyAttentionConfig:
    """Token sequences (N, T), T <= max_len, ids in [0, vocab_size).

    `d_model`: width of embeddings, queries, keys and values. `positions`:
    fixed sinusoidal encodings or learned ones (parameter "pos").
    `target`: "per_position" labels (N, T) or one label per sequence read
    at the "last" position. Embeddings start N(0, 1), projections and head
    N(0, init_scale^2 / d_model), biases 0.
    dtype "float32" trains; "float64" is exact (gradient checks).
    """

    vocab_size: int = 8
    max_len: int = 10
    d_model: int = 16
    n_classes: int = 8
    positions: Positions = "sinusoidal"
    target: Target = "per_position"
    init_scale: float = 1.0
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    dtype: DType = "float32"

    def __post_init__(self) -> None:
        if min(self.vocab_size, self.max_len, self.d_model) < 1 or self.n_classes < 2:
            raise ValueError("need vocab_size, max_len, d_model >= 1 and n_classes >= 2")
        if self.positions not in ("sinusoidal", "learned"):
            raise ValueError(f"unknown positions {self.positions!r}")
        if self.target not in ("per_position", "last"):
            raise ValueError(f"unknown target {self.target!r}")
        check_dtype(self.dtype)


class _Workspace:
    """Buffers of one (batch size B, length T); see kernels.attention for layouts."""

    def __init__(self, config: TinyAttentionConfig, B: int, T: int, dtype: np.dtype) -> None:
        d = config.d_model
        self.B, self.T = B, T
        self.tokens = np.zeros((T, B), np.int64)
        self.X, self.Q, self.K, self.V = (np.zeros((d, T, B), dtype) for _ in range(4))
        self.A = np.zeros((T, T, B), dtype)
        per_position = config.target == "per_position"
        self.head = HeadWorkspace(d, config.n_classes, T * B if per_position else B, dtype)
        if per_position:  # the head reads the attention outputs in place
            self.O = self.head.inputs.reshape(d, T, B)
            self.dO = self.head.dinputs.reshape(d, T, B)
        else:  # the head reads O[:, T - 1] only
            self.O = np.zeros((d, T, B), dtype)
            self.dO = np.zeros((d, T, B), dtype)


class TinyAttention(HeadModel):
    """Parameters "embed" (vocab, d), ["pos" (max_len, d) if learned], "Wq",
    "Wk", "Wv" (d, d), "Wo" (d, n_classes), "bo" (n_classes,)."""

    def __init__(self, config: TinyAttentionConfig, seed: int = 0) -> None:
        self.config = config
        self.dtype = np.dtype(config.dtype)
        d, C = config.d_model, config.n_classes
        shapes: dict[str, tuple[int, ...]] = {"embed": (config.vocab_size, d)}
        if config.positions == "learned":
            shapes["pos"] = (config.max_len, d)
        shapes.update({"Wq": (d, d), "Wk": (d, d), "Wv": (d, d), "Wo": (d, C), "bo": (C,)})
        self.buffer = ParamBuffer(shapes, self.dtype, decay=("Wq", "Wk", "Wv", "Wo"))
        rng = np.random.default_rng(seed)
        self.buffer["embed"][...] = rng.standard_normal((config.vocab_size, d))
        if config.positions == "learned":
            self._positions = self.buffer["pos"]
            self._positions[...] = sinusoidal_positions(config.max_len, d)  # a sensible start
            self._dpositions = self.buffer.grad_view("pos")
        else:
            self._positions = sinusoidal_positions(config.max_len, d).astype(self.dtype)
            self._dpositions = np.zeros((0, d), self.dtype)  # never written
        for name in ("Wq", "Wk", "Wv", "Wo"):
            view = self.buffer[name]
            view[...] = rng.standard_normal(view.shape) * (config.init_scale / np.sqrt(d))
        self._Wb, self._dWb = head_views(self.buffer, "Wo", "bo")
        self.optimizer = Optimizer(config.optimizer, self.buffer.size, self.dtype)
        self._workspace: WorkspaceCache[tuple[int, int], _Workspace] = WorkspaceCache(
            lambda shape: _Workspace(config, *shape, self.dtype))

    # ---- batches ----------------------------------------------------------

    def _forward(self, X: np.ndarray) -> _Workspace:
        X = np.asarray(X)
        c = self.config
        if X.ndim != 2 or not np.issubdtype(X.dtype, np.integer) or 0 in X.shape:
            raise ValueError(f"X must be int token ids (N >= 1, T >= 1), got {X.dtype} {X.shape}")
        if X.shape[1] > c.max_len:
            raise ValueError(f"sequences longer than max_len={c.max_len}")
        if X.min() < 0 or X.max() >= c.vocab_size:
            raise ValueError(f"token ids must be in [0, {c.vocab_size})")
        ws = self._workspace(X.shape)
        ws.tokens[...] = X.T
        b = self.buffer
        attention_forward(ws.tokens, b["embed"], self._positions, b["Wq"], b["Wk"], b["Wv"],
                          ws.X, ws.Q, ws.K, ws.V, ws.A, ws.O)
        if c.target == "last":
            ws.head.inputs[...] = ws.O[:, ws.T - 1]
        return ws

    def _load_labels(self, ws: _Workspace, y: np.ndarray) -> None:
        y = np.asarray(y)
        expected = (ws.B, ws.T) if self.config.target == "per_position" else (ws.B,)
        if y.shape != expected:
            raise ValueError(f"y must have shape {expected} for target={self.config.target!r}")
        ws.head.load_labels(y.T, "positions")  # column t * B + n <-> (sequence n, position t)

    def _loss_and_gradients(self, X: np.ndarray, y: np.ndarray) -> float:
        """Forward and backward; gradients land in buffer.grad. The loss is the
        mean over all labelled positions."""
        ws = self._forward(X)
        self._load_labels(ws, y)
        loss = ws.head.run(self._Wb, self._dWb, predict_only=False)
        if self.config.target == "last":
            ws.dO[:, ws.T - 1] = ws.head.dinputs
        b = self.buffer
        learned = self.config.positions == "learned"
        attention_backward(ws.tokens, b["Wq"], b["Wk"], b["Wv"], ws.X, ws.Q, ws.K, ws.V, ws.A,
                           ws.dO, b.grad_view("embed"), self._dpositions, b.grad_view("Wq"),
                           b.grad_view("Wk"), b.grad_view("Wv"), learned)
        return loss

    def _outputs(self, ws: _Workspace) -> np.ndarray:
        """(N, T, C) per position, or (N, C) per sequence."""
        probs = ws.head.probs  # (C, T*B) or (C, B)
        if self.config.target == "per_position":
            return probs.reshape(-1, ws.T, ws.B).transpose(2, 1, 0).copy()
        return probs.T.copy()

    # ---- the Model API (loss_and_grads, step, predict: see HeadModel) ------

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        """Share of correct labels (over all positions for per-position targets)."""
        predicted = self.predict(X).argmax(axis=-1)
        return float(np.mean(predicted == np.asarray(y)))

    def inspect(self, X: np.ndarray, y: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """What the graphics show for sequences X.

        "attention" (N, T, T): row t = how much position t attends to each
        position (rows sum to 1); "attention_entropy" (T,) mean entropy of
        each row in nats (low = sharp); "outputs" as `predict`;
        "queries"/"keys"/"values" (N, T, d); "embeddings" (vocab, d).
        If y is given, also "grad_norm_per_layer" for [embed, Wq, Wk, Wv, head].
        """
        ws = self._predict(X)
        A = ws.A.transpose(2, 0, 1).astype(np.float64)  # (N, T, T)
        entropy = -np.sum(A * np.log(np.maximum(A, 1e-30)), axis=2).mean(axis=0)
        result = {
            "attention": A,
            "attention_entropy": entropy,
            "outputs": self._outputs(ws),
            "queries": ws.Q.transpose(2, 1, 0).copy(),
            "keys": ws.K.transpose(2, 1, 0).copy(),
            "values": ws.V.transpose(2, 1, 0).copy(),
            "embeddings": self.buffer["embed"].copy(),
        }
        if y is not None:
            self._loss_and_gradients(X, y)
            b = self.buffer
            result["grad_norm_per_layer"] = np.array(
                [np.linalg.norm(b.grad_view(name)) for name in ("embed", "Wq", "Wk", "Wv")]
                + [np.linalg.norm(self._dWb)]
            )
        return result

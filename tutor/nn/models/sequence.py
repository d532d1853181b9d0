"""Sequence classifier: a recurrent cell (tanh RNN, GRU or LSTM) reads the
sequence one step at a time; a softmax head reads the last hidden state.

It is the model of the "remember the token N steps back" lessons: `inspect`
shows the hidden state at every step, the gates of GRU/LSTM, and how large
the gradient of the loss is at each step (`grad_norm_per_step`), which is
where vanishing gradients become visible.

A training step is four kernel calls: `sequence_forward`, the softmax head
(forward, loss and backward together), `sequence_backward` (through time)
and the optimizer update. Buffers are allocated once per (batch size,
sequence length).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tutor.nn.base import DType, Optimizer, OptimizerConfig, ParamBuffer, check_dtype
from tutor.nn.kernels.recurrent import (
    CELL_CODES,
    CellKind,
    cache_size,
    param_shapes,
    sequence_backward,
    sequence_forward,
    state_size,
)
from tutor.nn.models.head import HeadModel, HeadWorkspace, head_views
from tutor.nn.models.workspaces import WorkspaceCache

_GATE_NAMES: dict[str, tuple[str, ...]] = {
    "rnn": (),
    "gru": ("reset", "update"),  # rows r | z of the GRU cache
    "lstm": ("input", "forget", "cell_candidate", "output"),  # rows i | f | g | o
}


_KEEP_BIAS_DEFAULT: dict[str, float] = {"rnn": 0.0, "gru": 0.0, "lstm": 1.0}


@dataclass(frozen=True)
class SequenceClassifierConfig:
    """Recurrent classifier of whole sequences.

    Inputs are token ids (N, T) with values in [0, n_inputs) (fed one-hot),
    or feature vectors (N, T, n_inputs). `hidden` units in the cell. Weights
    start uniform in +-init_scale/sqrt(hidden) (PyTorch's default), biases
    at 0 except those of the gate that keeps the old state (LSTM forget gate,
    GRU update gate z) at `keep_bias`: None means the customary start, +1 for
    the LSTM (remember by default) and 0 for the GRU (PyTorch's defaults);
    larger values make a fresh cell carry its state, and its gradient,
    across more steps.
    dtype "float32" trains (fast tanh); "float64" is exact (gradient checks).
    """

    cell: CellKind = "gru"
    n_inputs: int = 4
    hidden: int = 16
    n_classes: int = 4
    init_scale: float = 1.0
    keep_bias: float | None = None
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    dtype: DType = "float32"

    def __post_init__(self) -> None:
        if self.cell not in CELL_CODES:
            raise ValueError(f"unknown cell {self.cell!r}; one of {sorted(CELL_CODES)}")
        if min(self.n_inputs, self.hidden) < 1 or self.n_classes < 2:
            raise ValueError("need n_inputs >= 1, hidden >= 1 and n_classes >= 2")
        check_dtype(self.dtype)


class _Workspace:
    """Buffers of one (batch size B, sequence length T), time- and feature-major."""

    def __init__(self, config: SequenceClassifierConfig, B: int, T: int, dtype: np.dtype) -> None:
        cell, D, H = config.cell, config.n_inputs, config.hidden
        self.B, self.T = B, T
        self.inputs = np.zeros((T, D, B), dtype)  # x_t as columns
        self.states = np.zeros((T + 1, state_size(cell, H), B), dtype)
        self.cache = np.zeros((T, cache_size(cell, H), B), dtype)
        self.dH = np.zeros((T, H, B), dtype)  # only the last step is read by the head
        self.grad_norm_sq = np.zeros(T, dtype)
        self.head = HeadWorkspace(H, config.n_classes, B, dtype)
        self.step_index = np.arange(T)[:, None]  # (T, 1) for one-hot scatter
        self.column_index = np.arange(B)[None, :]  # (1, B)


class SequenceClassifier(HeadModel):
    """Parameters "Wx" (n_inputs, G*H), "Wh" (H, G*H), "b" (G*H [+H for GRU]),
    "Wo" (H, n_classes), "bo" (n_classes,); G = 1 (rnn), 3 (gru: r|z|n),
    4 (lstm: i|f|g|o). See `tutor.nn.kernels.recurrent` for the equations."""

    def __init__(self, config: SequenceClassifierConfig, seed: int = 0) -> None:
        self.config = config
        self.dtype = np.dtype(config.dtype)
        self._cell = CELL_CODES[config.cell]
        H, C = config.hidden, config.n_classes
        shapes = dict(param_shapes(config.cell, config.n_inputs, H))
        shapes["Wo"] = (H, C)  # "bo" right after "Wo": the head reads them as one matrix
        shapes["bo"] = (C,)
        self.buffer = ParamBuffer(shapes, self.dtype, decay=("Wx", "Wh", "Wo"))
        rng = np.random.default_rng(seed)
        bound = config.init_scale / np.sqrt(H)
        for name in ("Wx", "Wh", "Wo"):
            view = self.buffer[name]
            view[...] = rng.uniform(-bound, bound, view.shape)
        keep = _KEEP_BIAS_DEFAULT[config.cell] if config.keep_bias is None else config.keep_bias
        if config.cell != "rnn":  # gate 1 keeps the state: f of i|f|g|o, z of r|z|n
            self.buffer["b"][H : 2 * H] = keep
        self._Wb, self._dWb = head_views(self.buffer, "Wo", "bo")
        self.optimizer = Optimizer(config.optimizer, self.buffer.size, self.dtype)
        self._workspace: WorkspaceCache[tuple[int, int], _Workspace] = WorkspaceCache(
            lambda shape: _Workspace(config, *shape, self.dtype))
        self._grad_norm_per_step = np.zeros(0)

    # ---- batches ----------------------------------------------------------

    def _load_inputs(self, X: np.ndarray) -> _Workspace:
        """Tokens (N, T) go in one-hot, features (N, T, D) as they are."""
        X = np.asarray(X)
        D = self.config.n_inputs
        if X.ndim == 2 and np.issubdtype(X.dtype, np.integer):
            if X.size and (X.min() < 0 or X.max() >= D):
                raise ValueError(f"token ids must be in [0, {D})")
            ws = self._workspace(X.shape)
            ws.inputs[...] = 0.0
            ws.inputs[ws.step_index, X.T, ws.column_index] = 1.0
        elif X.ndim == 3 and X.shape[2] == D:
            ws = self._workspace(X.shape[:2])
            ws.inputs[...] = X.transpose(1, 2, 0)
        else:
            raise ValueError(f"X must be int tokens (N, T) or features (N, T, {D}), got {X.shape}")
        if ws.B == 0 or ws.T == 0:
            raise ValueError("need at least one sequence of at least one step")
        return ws

    def _forward(self, X: np.ndarray) -> _Workspace:
        ws = self._load_inputs(X)
        b = self.buffer
        sequence_forward(self._cell, ws.inputs, b["Wx"], b["Wh"], b["b"], ws.states, ws.cache)
        ws.head.inputs[...] = ws.states[ws.T, : self.config.hidden]  # h_T
        return ws

    def _loss_and_gradients(self, X: np.ndarray, y: np.ndarray) -> float:
        """Forward and backward; gradients land in buffer.grad."""
        ws = self._forward(X)
        ws.head.load_labels(y, "sequences")
        loss = ws.head.run(self._Wb, self._dWb, predict_only=False)
        ws.dH[ws.T - 1] = ws.head.dinputs
        b = self.buffer
        sequence_backward(self._cell, ws.inputs, b["Wh"], ws.states, ws.cache, ws.dH,
                          b.grad_view("Wx"), b.grad_view("Wh"), b.grad_view("b"), ws.grad_norm_sq)
        self._grad_norm_per_step = np.sqrt(ws.grad_norm_sq.astype(np.float64))
        return loss

    def _grad_norm_per_step_for(self, T: int) -> np.ndarray:
        """The last backward pass's norms, or zeros if it was on another length (or none ran)."""
        norms = self._grad_norm_per_step
        return norms.copy() if norms.shape == (T,) else np.zeros(T)

    # ---- the Model API (loss_and_grads, step, predict: see HeadModel) ------

    def inspect(self, X: np.ndarray, y: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """What the graphics show for sequences X.

        "hidden_states" (N, T, H) h after each step; "cell_states" (N, T, H)
        (LSTM); "gate_<name>" (N, T, H) gate activations (GRU: reset, update;
        LSTM: input, forget, cell_candidate, output); "outputs" (N, C) as
        `predict`; "grad_norm_per_step" (T,) |d loss / d h_t| over the whole
        batch, of the loss on (X, y) if y is given, else of the last step
        (zeros if that was on sequences of another length).
        """
        if y is not None:
            self._loss_and_gradients(X, y)
        ws = self._predict(X)
        H = self.config.hidden
        result: dict[str, np.ndarray] = {
            "hidden_states": ws.states[1:, :H].transpose(2, 0, 1).copy(),
            "outputs": self._outputs(ws),
            "grad_norm_per_step": self._grad_norm_per_step_for(ws.T),
        }
        if self.config.cell == "lstm":
            result["cell_states"] = ws.states[1:, H:].transpose(2, 0, 1).copy()
        for k, name in enumerate(_GATE_NAMES[self.config.cell]):
            result[f"gate_{name}"] = ws.cache[:, k * H : (k + 1) * H].transpose(2, 0, 1).copy()
        return result

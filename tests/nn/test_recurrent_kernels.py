"""RNN / GRU / LSTM kernels: forward against plain numpy step equations,
backpropagation through time against central finite differences (float64)."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import central_difference, relative_error

from tutor.nn.kernels.recurrent import (
    CELL_CODES,
    cache_size,
    param_shapes,
    sequence_backward,
    sequence_forward,
    state_size,
)

CELLS = ["rnn", "gru", "lstm"]


def sigmoid(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


def reference_hidden_states(cell: str, X: np.ndarray, p: dict[str, np.ndarray]) -> np.ndarray:
    """The cell equations written out in numpy, batch at a time: (B, T, H)."""
    B, T, _ = X.shape
    H = p["Wh"].shape[0]
    h, c = np.zeros((B, H)), np.zeros((B, H))
    out = np.empty((B, T, H))
    for t in range(T):
        ax = X[:, t] @ p["Wx"] + p["b"][: p["Wx"].shape[1]]
        ah = h @ p["Wh"]
        if cell == "rnn":
            h = np.tanh(ax + ah)
        elif cell == "gru":
            r = sigmoid(ax[:, :H] + ah[:, :H])
            z = sigmoid(ax[:, H : 2 * H] + ah[:, H : 2 * H])
            n = np.tanh(ax[:, 2 * H :] + r * (ah[:, 2 * H :] + p["b"][3 * H :]))
            h = (1 - z) * n + z * h
        else:
            a = ax + ah
            i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H]), sigmoid(a[:, 3 * H :])
            c = f * c + i * np.tanh(a[:, 2 * H : 3 * H])
            h = o * np.tanh(c)
        out[:, t] = h
    return out


class Sequence:
    """Buffers for one (cell, B, T, D, H) problem in the kernels' layout,
    float64 unless told. Inputs and hidden states are shown to the tests
    batch-first, (B, T, features)."""

    def __init__(self, cell: str, B: int, T: int, D: int, H: int, seed: int, dtype=np.float64):
        rng = np.random.default_rng(seed)
        self.cell, self.code, self.H = cell, CELL_CODES[cell], H
        shapes = param_shapes(cell, D, H)
        self.p = {k: rng.normal(0, 0.6, s).astype(dtype) for k, s in shapes.items()}
        self.X = rng.normal(size=(T, D, B)).astype(dtype)
        self.states = np.empty((T + 1, state_size(cell, H), B), dtype=dtype)
        self.cache = np.empty((T, cache_size(cell, H), B), dtype=dtype)

    @property
    def inputs(self) -> np.ndarray:  # (B, T, D)
        return self.X.transpose(2, 0, 1)

    def hidden(self) -> np.ndarray:  # (B, T, H)
        sequence_forward(self.code, self.X, self.p["Wx"], self.p["Wh"], self.p["b"],
                         self.states, self.cache)
        return self.states[1:, : self.H].transpose(2, 0, 1)

    def backward(self, dH: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """dH: (B, T, H) d(loss)/d(hidden states)."""
        grads = {k: np.empty_like(v) for k, v in self.p.items()}
        norm_sq = np.empty(dH.shape[1], dtype=dH.dtype)
        sequence_backward(self.code, self.X, self.p["Wh"], self.states, self.cache,
                          np.ascontiguousarray(dH.transpose(1, 2, 0)),
                          grads["Wx"], grads["Wh"], grads["b"], norm_sq)
        return grads, norm_sq


@pytest.mark.parametrize("cell", CELLS)
def test_forward_matches_cell_equations(cell):
    seq = Sequence(cell, B=3, T=5, D=4, H=6, seed=0)
    expected = reference_hidden_states(cell, seq.inputs, seq.p)
    np.testing.assert_allclose(seq.hidden(), expected, atol=1e-12)


SHAPES = [
    # B, T, D, H
    (2, 4, 3, 5),
    (1, 1, 2, 3),  # batch of one, sequence of one
    (3, 6, 1, 2),
    (1, 7, 4, 4),
]


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize(("B", "T", "D", "H"), SHAPES)
@pytest.mark.parametrize("zero_input", [False, True])
def test_backprop_through_time(cell, B, T, D, H, zero_input):
    seq = Sequence(cell, B, T, D, H, seed=B * 100 + T)
    if zero_input:
        seq.X[...] = 0.0
    R = np.random.default_rng(7).normal(size=(B, T, H))  # loss = sum(R * h): every step is read

    def loss() -> float:
        return float(np.sum(R * seq.hidden()))

    loss()
    grads, _ = seq.backward(R)
    for name, value in seq.p.items():
        numeric = central_difference(loss, value)
        assert relative_error(grads[name], numeric) < 1e-6, name


@pytest.mark.parametrize("cell", CELLS)
def test_grad_norm_per_step_last_step_is_the_loss_gradient(cell):
    B, T, D, H = 2, 5, 3, 4
    seq = Sequence(cell, B, T, D, H, seed=11)
    seq.hidden()
    dH = np.zeros((B, T, H))
    dH[:, -1] = np.random.default_rng(3).normal(size=(B, H))
    _, norm_sq = seq.backward(dH)
    assert norm_sq[-1] == pytest.approx(np.sum(dH[:, -1] ** 2))
    assert np.all(norm_sq > 0) and np.all(np.isfinite(norm_sq))


def test_rnn_grad_norm_per_step_follows_the_chain_rule():
    """For the tanh RNN, d(loss)/d(h_{t-1}) = (d(loss)/d(h_t) * (1 - h_t^2)) @ Wh.T."""
    B, T, D, H = 3, 6, 2, 5
    seq = Sequence("rnn", B, T, D, H, seed=12)
    h = seq.hidden().copy()
    dH = np.zeros((B, T, H))
    dH[:, -1] = np.random.default_rng(4).normal(size=(B, H))
    _, norm_sq = seq.backward(dH)
    g = dH[:, -1]
    expected = [np.sum(g**2)]
    for t in range(T - 1, 0, -1):
        g = (g * (1 - h[:, t] ** 2)) @ seq.p["Wh"].T
        expected.append(np.sum(g**2))
    np.testing.assert_allclose(norm_sq, expected[::-1], rtol=1e-12)


def test_float32_forward_is_close_to_float64():
    for cell in CELLS:
        seq64 = Sequence(cell, B=4, T=12, D=3, H=8, seed=5)
        seq32 = Sequence(cell, B=4, T=12, D=3, H=8, seed=5, dtype=np.float32)
        np.testing.assert_allclose(seq32.hidden(), seq64.hidden(), atol=2e-6)

"""Self-attention kernels: forward against the textbook numpy formula,
backward against central finite differences (float64)."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import central_difference, relative_error

from tutor.nn.kernels.attention import attention_backward, attention_forward, sinusoidal_positions


class Problem:
    """Random parameters and tokens for one (B, T, d, vocab) case, float64."""

    def __init__(self, B: int, T: int, d: int, vocab: int, seed: int,
                 zero_embeddings: bool = False):
        rng = np.random.default_rng(seed)
        self.tokens = rng.integers(0, vocab, size=(T, B))
        self.p = {
            "E": np.zeros((vocab, d)) if zero_embeddings else rng.normal(size=(vocab, d)),
            "P": rng.normal(size=(T + 2, d)),  # more rows than positions used
            "Wq": rng.normal(size=(d, d)),
            "Wk": rng.normal(size=(d, d)),
            "Wv": rng.normal(size=(d, d)),
        }
        # X, Q, K, V (d, T, B), attention weights (T, T, B), outputs (d, T, B)
        self.buffers = [np.empty((d, T, B)) for _ in range(4)]
        self.buffers += [np.empty((T, T, B)), np.empty((d, T, B))]

    def forward(self) -> tuple[np.ndarray, np.ndarray]:
        """(attention weights (T, T, B), outputs (d, T, B))."""
        p = self.p
        attention_forward(self.tokens, p["E"], p["P"], p["Wq"], p["Wk"], p["Wv"], *self.buffers)
        return self.buffers[4], self.buffers[5]

    def backward(self, dO: np.ndarray) -> dict[str, np.ndarray]:
        grads = {name: np.empty_like(value) for name, value in self.p.items()}
        X, Q, K, V, A, _ = self.buffers
        attention_backward(self.tokens, self.p["Wq"], self.p["Wk"], self.p["Wv"], X, Q, K, V, A, dO,
                           grads["E"], grads["P"], grads["Wq"], grads["Wk"], grads["Wv"], True)
        return grads


def reference(tokens: np.ndarray, p: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """softmax(Q K^T / sqrt(d)) V per sequence, batch-first: A (B, T, T), O (B, T, d)."""
    T = tokens.shape[0]
    X = p["E"][tokens.T] + p["P"][:T]  # (B, T, d)
    Q, K, V = X @ p["Wq"], X @ p["Wk"], X @ p["Wv"]
    S = Q @ K.transpose(0, 2, 1) / np.sqrt(X.shape[2])
    A = np.exp(S - S.max(axis=2, keepdims=True))
    A /= A.sum(axis=2, keepdims=True)
    return A, A @ V


def test_forward_matches_formula():
    problem = Problem(B=3, T=5, d=4, vocab=6, seed=0)
    A, out = problem.forward()
    A_ref, out_ref = reference(problem.tokens, problem.p)
    np.testing.assert_allclose(A.transpose(2, 0, 1), A_ref, atol=1e-12)
    np.testing.assert_allclose(out.transpose(2, 1, 0), out_ref, atol=1e-12)
    np.testing.assert_allclose(A.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    ("B", "T", "d", "vocab", "zero_embeddings"),
    [
        (2, 4, 3, 5, False),
        (1, 1, 2, 3, False),  # one sequence of one token: the softmax is constant 1
        (1, 6, 4, 2, False),
        (3, 3, 5, 4, True),  # all-zero embeddings: only positions carry signal
    ],
)
def test_gradients(B, T, d, vocab, zero_embeddings):
    problem = Problem(B, T, d, vocab, seed=B + 10 * T, zero_embeddings=zero_embeddings)
    R = np.random.default_rng(1).normal(size=(d, T, B))  # loss = sum(R * O)

    def loss() -> float:
        return float(np.sum(R * problem.forward()[1]))

    loss()
    grads = problem.backward(R)
    for name, value in problem.p.items():
        numeric = central_difference(loss, value)
        assert relative_error(grads[name], numeric) < 1e-6, name
    assert np.all(grads["P"][T:] == 0.0)  # rows past the sequence get no gradient


def test_fixed_positions_get_no_gradient_written():
    problem = Problem(B=2, T=3, d=4, vocab=5, seed=3)
    problem.forward()
    dO = np.random.default_rng(0).normal(size=(4, 3, 2))
    with_positions = problem.backward(dO)
    X, Q, K, V, A, _ = problem.buffers
    p = problem.p
    grads = {name: np.empty_like(value) for name, value in p.items()}
    grads["P"][...] = 7.0
    attention_backward(problem.tokens, p["Wq"], p["Wk"], p["Wv"], X, Q, K, V, A, dO,
                       grads["E"], grads["P"], grads["Wq"], grads["Wk"], grads["Wv"], False)
    assert np.all(grads["P"] == 7.0)  # untouched
    for name in ("E", "Wq", "Wk", "Wv"):
        np.testing.assert_array_equal(grads[name], with_positions[name])


def test_sinusoidal_positions():
    P = sinusoidal_positions(10, 6)
    assert P.shape == (10, 6)
    np.testing.assert_allclose(P[0], [0, 1, 0, 1, 0, 1])
    # each (sin, cos) pair lies on the unit circle
    np.testing.assert_allclose(P[:, 0::2] ** 2 + P[:, 1::2] ** 2, 1.0)
    assert sinusoidal_positions(4, 5).shape == (4, 5)  # odd widths work too


def test_float32_forward_is_close_to_float64():
    problem = Problem(B=4, T=6, d=8, vocab=5, seed=4)
    A64, O64 = (a.copy() for a in problem.forward())
    p32 = {k: v.astype(np.float32) for k, v in problem.p.items()}
    buffers = [np.empty(b.shape, np.float32) for b in problem.buffers]
    attention_forward(problem.tokens, p32["E"], p32["P"], p32["Wq"], p32["Wk"], p32["Wv"], *buffers)
    np.testing.assert_allclose(buffers[4], A64, atol=2e-5)
    np.testing.assert_allclose(buffers[5], O64, atol=2e-4)

"""Single-head scaled dot-product self-attention over token sequences,
forward and backward, with token embeddings and positional encodings.

For one sequence of T tokens (row-vector convention of "Attention is all
you need", weights (d_in, d_out))::

    X = E[tokens] + P                     (T, d)  embedding + position
    Q, K, V = X Wq, X Wk, X Wv            (T, d)
    A = softmax_rows(Q K^T / sqrt(d))     (T, T)  row i: where position i looks
    O = A V                               (T, d)  what position i gathers

Layout is feature-major with the batch innermost: X, Q, K, V, O are
`(d, T, B)` (so `(d, T*B)` matrices: the projections are one BLAS call
each over the whole batch), attention weights are `(T, T, B)`. Every
per-sequence product (Q K^T, A V and their gradients) is then a sum of
updates along contiguous batch rows, which LLVM vectorises; per-sequence
(T, d) matrices would be too small for BLAS and their dot products would
be non-vectorised reductions.

The softmax exp is the vectorisable polynomial of `kernels.losses` for
float32, libm's for float64 (gradient checks); `is_float64` decides at
compile time.
"""

from __future__ import annotations

import math

import numpy as np

from tutor.nn.jit import inlined, is_float64, kernel
from tutor.nn.kernels.losses import exp_value


def sinusoidal_positions(max_len: int, d: int) -> np.ndarray:
    """(max_len, d) fixed encodings: PE[t, 2i] = sin(t w_i), PE[t, 2i+1] = cos(t w_i),
    w_i = 10000^(-2i/d). Position t + k is a rotation of position t, which
    lets attention find "the previous token" with a linear map."""
    t = np.arange(max_len)[:, None]
    frequencies = 10000.0 ** (-np.arange(0, d, 2) / d)  # (ceil(d/2),)
    angles = t * frequencies[None, :]
    P = np.zeros((max_len, d))
    P[:, 0::2] = np.sin(angles)
    P[:, 1::2] = np.cos(angles[:, : d // 2])
    return P


@inlined
def _matrix(a: np.ndarray) -> np.ndarray:
    """(d, T, B) -> (d, T*B) view, the shape BLAS sees."""
    return a.reshape((a.shape[0], a.shape[1] * a.shape[2]))


@inlined
def _add_into(total: np.ndarray, part: np.ndarray) -> None:
    """total += part for C-contiguous arrays of one shape (flat loop: numba's
    own `+=` on n-d arrays is several times slower)."""
    t, p = total.reshape(total.size), part.reshape(part.size)
    for i in range(t.shape[0]):
        t[i] += p[i]


@kernel
def attention_forward(
    tokens: np.ndarray,  # (T, B) int token ids
    E: np.ndarray,  # (V, d) token embeddings
    P: np.ndarray,  # (>= T, d) positional encodings (fixed or learned)
    Wq: np.ndarray,  # (d, d)
    Wk: np.ndarray,  # (d, d)
    Wv: np.ndarray,  # (d, d)
    X: np.ndarray,  # (d, T, B) out: embedded inputs
    Q: np.ndarray,  # (d, T, B) out
    K: np.ndarray,  # (d, T, B) out
    V: np.ndarray,  # (d, T, B) out
    A: np.ndarray,  # (T, T, B) out: attention weights, rows sum to 1
    O: np.ndarray,  # (d, T, B) out: attention outputs  # noqa: E741 (O = A V above)
) -> None:
    T, B = tokens.shape
    d = E.shape[1]
    exact = is_float64(A)
    scale = A.dtype.type(1.0 / math.sqrt(d))
    for t in range(T):
        for n in range(B):
            token = tokens[t, n]
            for k in range(d):
                X[k, t, n] = E[token, k] + P[t, k]
    Xm = _matrix(X)
    np.dot(Wq.T, Xm, _matrix(Q))
    np.dot(Wk.T, Xm, _matrix(K))
    np.dot(Wv.T, Xm, _matrix(V))
    top = np.empty(B, dtype=A.dtype)  # row maxima, for an overflow-free softmax
    norm = np.empty(B, dtype=A.dtype)
    for i in range(T):
        for j in range(T):
            score = A[i, j]  # (B,) scores of query i against key j
            score[:] = 0.0
            for k in range(d):
                q, key = Q[k, i], K[k, j]
                for n in range(B):
                    score[n] += q[n] * key[n]
        first = A[i, 0]
        for n in range(B):  # (a loop: array-to-array assignment costs seconds of compile)
            top[n] = first[n]
        for j in range(1, T):
            score = A[i, j]
            for n in range(B):
                top[n] = max(top[n], score[n])
        norm[:] = 0.0
        for j in range(T):
            weight = A[i, j]
            for n in range(B):
                e = exp_value(scale * (weight[n] - top[n]), not exact)
                weight[n] = e
                norm[n] += e
        for n in range(B):
            norm[n] = 1.0 / norm[n]
        for j in range(T):
            weight = A[i, j]
            for n in range(B):
                weight[n] *= norm[n]
    for k in range(d):
        for i in range(T):
            out = O[k, i]
            out[:] = 0.0
            for j in range(T):
                weight, value = A[i, j], V[k, j]
                for n in range(B):
                    out[n] += weight[n] * value[n]


@kernel
def attention_backward(
    tokens: np.ndarray,  # (T, B)
    Wq: np.ndarray,  # (d, d)
    Wk: np.ndarray,
    Wv: np.ndarray,
    X: np.ndarray,  # (d, T, B) from attention_forward
    Q: np.ndarray,
    K: np.ndarray,
    V: np.ndarray,
    A: np.ndarray,  # (T, T, B)
    dO: np.ndarray,  # (d, T, B) d(loss)/d(attention outputs)
    dE: np.ndarray,  # (V, d) out
    dP: np.ndarray,  # (>= T, d) out: position grads (rows >= T set to 0), if need_dP
    dWq: np.ndarray,  # (d, d) out
    dWk: np.ndarray,
    dWv: np.ndarray,
    need_dP: bool,  # False for fixed (sinusoidal) positions
) -> None:
    """Gradients of `attention_forward`, through the softmax
    (dS = A * (dA - sum_j A dA), scaled by 1/sqrt(d)) and the projections,
    down to the embedding rows of the tokens that were read."""
    T, B = tokens.shape
    d = Wq.shape[0]
    dtype = A.dtype
    scale = dtype.type(1.0 / math.sqrt(d))
    dA = np.empty((T, B), dtype=dtype)  # d(loss)/d(weights) of one query row
    dot = np.empty(B, dtype=dtype)  # sum_j A dA of that row
    dQ = np.zeros_like(Q)
    dK = np.zeros_like(K)
    dV = np.zeros_like(V)
    for i in range(T):
        # dA[i, j] = sum_k dO[k, i] V[k, j];  dV[k, j] += A[i, j] dO[k, i]
        dot[:] = 0.0
        for j in range(T):
            grad, weight = dA[j], A[i, j]
            grad[:] = 0.0
            for k in range(d):
                g_out, value, g_value = dO[k, i], V[k, j], dV[k, j]
                for n in range(B):
                    grad[n] += g_out[n] * value[n]
                    g_value[n] += weight[n] * g_out[n]
            for n in range(B):
                dot[n] += weight[n] * grad[n]
        # through the softmax and the score scale: dS -> dQ, dK
        for j in range(T):
            grad, weight = dA[j], A[i, j]
            for n in range(B):
                grad[n] = weight[n] * (grad[n] - dot[n]) * scale
            for k in range(d):
                g_query, key, g_key, query = dQ[k, i], K[k, j], dK[k, j], Q[k, i]
                for n in range(B):
                    g_query[n] += grad[n] * key[n]
                    g_key[n] += grad[n] * query[n]
    Xm = _matrix(X)
    np.dot(Xm, _matrix(dQ).T, dWq)
    np.dot(Xm, _matrix(dK).T, dWk)
    np.dot(Xm, _matrix(dV).T, dWv)
    dX = np.empty_like(X)  # Wq dQ + Wk dK + Wv dV
    np.dot(Wq, _matrix(dQ), _matrix(dX))
    partial = np.empty_like(dX)
    for W, dY in ((Wk, dK), (Wv, dV)):
        np.dot(W, _matrix(dY), _matrix(partial))
        _add_into(dX, partial)
    dE[...] = 0.0
    if need_dP:
        dP[...] = 0.0
    for t in range(T):
        for n in range(B):
            token = tokens[t, n]
            for k in range(d):
                dE[token, k] += dX[k, t, n]
                if need_dP:
                    dP[t, k] += dX[k, t, n]

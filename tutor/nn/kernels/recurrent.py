"""Recurrent cells (vanilla tanh RNN, GRU, LSTM) over whole sequences, and
backpropagation through time.

Every cell is a map (x_t, s_{t-1}) -> s_t on a *state* vector s: the hidden
state h for the RNN and GRU, the pair [h, c] for the LSTM. All three share
one parameter layout, with G gates side by side (G = 1, 3, 4)::

    Wx (D, G*H)   input  -> gate pre-activations
    Wh (H, G*H)   hidden -> gate pre-activations
    b  (G*H,)     biases; the GRU has H more (b_hn, see below)

    RNN   h = tanh(b + x Wx + h_prev Wh)
    GRU   r = sigmoid(.) , z = sigmoid(.)              (gates r | z | n)
          n = tanh(b_n + x Wx_n + r * (h_prev Wh_n + b_hn))
          h = (1 - z) * n + z * h_prev                 (the cuDNN / PyTorch form)
    LSTM  i, f, o = sigmoid(.), g = tanh(.)            (gates i | f | g | o)
          c = f * c_prev + i * g,  h = o * tanh(c)

Layouts are sample-major, `(B, T, ...)`: the kernels run one sequence at a
time through all its steps, so a sample's states stay in cache, and every
matrix product becomes a row update `out += v[k] * M[k, :]` that LLVM
vectorises. Backward needs `W_h @ d`, which would be a (non-vectorised)
reduction; it uses a transposed copy of W_h instead, made once per call.
Zero entries of x (one-hot tokens) and of h_0 = 0 are skipped.

`states` has T + 1 slots: slot 0 is the zero initial state, slot t + 1 the
state after step t. `cache` keeps per step what backward needs and cannot
cheaply recompute (post-activation gates). Backward kernels overwrite their
gradient outputs.

Activations: float64 arrays get libm's tanh (exact, for gradient checks),
float32 arrays the vectorisable rational tanh of `kernels.activations`
(numba's libm tanh costs ~9 ns per value here).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from tutor.nn.jit import kernel
from tutor.nn.kernels.activations import tanh_value

CellKind = Literal["rnn", "gru", "lstm"]
RNN, GRU, LSTM = 0, 1, 2
CELL_CODES: dict[str, int] = {"rnn": RNN, "gru": GRU, "lstm": LSTM}
GATES: dict[str, int] = {"rnn": 1, "gru": 3, "lstm": 4}


def state_size(cell: CellKind, hidden: int) -> int:
    """Length of the carried state: h, or [h, c] for the LSTM."""
    return 2 * hidden if cell == "lstm" else hidden


def cache_size(cell: CellKind, hidden: int) -> int:
    """Values kept per step for backward: GRU r|z|n|hn, LSTM i|f|g|o|tanh(c)."""
    return {"rnn": 0, "gru": 4 * hidden, "lstm": 5 * hidden}[cell]


def param_shapes(cell: CellKind, n_inputs: int, hidden: int) -> dict[str, tuple[int, ...]]:
    gates = GATES[cell] * hidden
    n_bias = gates + (hidden if cell == "gru" else 0)
    return {"Wx": (n_inputs, gates), "Wh": (hidden, gates), "b": (n_bias,)}


# --------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------

@kernel
def _tanh(x: float, exact: bool) -> float:
    return tanh_value(x, not exact)


@kernel
def _sigmoid(x: float, exact: bool) -> float:
    # sigmoid(x) = (1 + tanh(x / 2)) / 2 reuses the fast tanh
    return 0.5 + 0.5 * _tanh(0.5 * x, exact)


# --------------------------------------------------------------------------
# Row-update products (the only matrix maths the cells need)
# --------------------------------------------------------------------------


@kernel
def _add_vecmat(v: np.ndarray, M: np.ndarray, out: np.ndarray) -> None:
    """out += v @ M as row updates, skipping zero entries of v."""
    for k in range(v.shape[0]):
        vk = v[k]
        if vk != 0.0:
            for j in range(out.shape[0]):
                out[j] += vk * M[k, j]


@kernel
def _add_outer(v: np.ndarray, d: np.ndarray, M: np.ndarray) -> None:
    """M += outer(v, d), skipping zero entries of v."""
    for k in range(v.shape[0]):
        vk = v[k]
        if vk != 0.0:
            for j in range(d.shape[0]):
                M[k, j] += vk * d[j]


# --------------------------------------------------------------------------
# One step of one sample, forward and backward side by side per cell
# --------------------------------------------------------------------------


@kernel
def _rnn_forward_step(x, prev, Wx, Wh, b, state, exact):  # type: ignore[no-untyped-def]
    h = state  # (H,)
    h[:] = b
    _add_vecmat(x, Wx, h)
    _add_vecmat(prev, Wh, h)
    for j in range(h.shape[0]):
        h[j] = _tanh(h[j], exact)


@kernel
def _rnn_backward_step(x, prev, state, WhT, ds, dprev, dWx, dWh, db, da):  # type: ignore[no-untyped-def]
    """ds = d(loss)/d(h_t) -> dprev = d(loss)/d(h_{t-1}); accumulates parameter grads."""
    h = state
    for j in range(h.shape[0]):
        da[j] = ds[j] * (1.0 - h[j] * h[j])
        db[j] += da[j]
        dprev[j] = 0.0
    _add_outer(x, da, dWx)
    _add_outer(prev, da, dWh)
    _add_vecmat(da, WhT, dprev)


@kernel
def _gru_forward_step(x, prev, Wx, Wh, b, state, cache, ah, exact):  # type: ignore[no-untyped-def]
    H = state.shape[0]
    ax = cache[: 3 * H]  # input side b + x Wx, overwritten by r | z | n below
    ax[:] = b[: 3 * H]
    _add_vecmat(x, Wx, ax)
    ah[:] = 0.0  # hidden side h_prev Wh
    _add_vecmat(prev, Wh, ah)
    for j in range(H):
        r = _sigmoid(ax[j] + ah[j], exact)
        z = _sigmoid(ax[H + j] + ah[H + j], exact)
        hn = ah[2 * H + j] + b[3 * H + j]
        n = _tanh(ax[2 * H + j] + r * hn, exact)
        cache[j], cache[H + j], cache[2 * H + j], cache[3 * H + j] = r, z, n, hn
        state[j] = n + z * (prev[j] - n)


@kernel
def _gru_backward_step(x, prev, cache, WhT, ds, dprev, dWx, dWh, db, da, dah):  # type: ignore[no-untyped-def]
    H = prev.shape[0]
    for j in range(H):
        r, z, n, hn = cache[j], cache[H + j], cache[2 * H + j], cache[3 * H + j]
        dh = ds[j]
        dn_pre = dh * (1.0 - z) * (1.0 - n * n)  # d/d(pre-activation of n)
        dr_pre = dn_pre * hn * r * (1.0 - r)
        dz_pre = dh * (prev[j] - n) * z * (1.0 - z)
        da[j], da[H + j], da[2 * H + j] = dr_pre, dz_pre, dn_pre  # input side
        dah[j], dah[H + j], dah[2 * H + j] = dr_pre, dz_pre, dn_pre * r  # hidden side
        db[j] += dr_pre
        db[H + j] += dz_pre
        db[2 * H + j] += dn_pre
        db[3 * H + j] += dn_pre * r
        dprev[j] = dh * z
    _add_outer(x, da, dWx)
    _add_outer(prev, dah, dWh)
    _add_vecmat(dah, WhT, dprev)


@kernel
def _lstm_forward_step(x, prev, Wx, Wh, b, state, cache, exact):  # type: ignore[no-untyped-def]
    H = state.shape[0] // 2
    a = cache[: 4 * H]  # pre-activations, overwritten by i | f | g | o
    a[:] = b
    _add_vecmat(x, Wx, a)
    _add_vecmat(prev[:H], Wh, a)
    for j in range(H):
        i = _sigmoid(a[j], exact)
        f = _sigmoid(a[H + j], exact)
        g = _tanh(a[2 * H + j], exact)
        o = _sigmoid(a[3 * H + j], exact)
        c = f * prev[H + j] + i * g
        tc = _tanh(c, exact)
        cache[j], cache[H + j], cache[2 * H + j], cache[3 * H + j], cache[4 * H + j] = i, f, g, o, tc
        state[j] = o * tc
        state[H + j] = c


@kernel
def _lstm_backward_step(x, prev, cache, WhT, ds, dprev, dWx, dWh, db, da):  # type: ignore[no-untyped-def]
    """ds = [dh, dc] at step t -> dprev = [dh, dc] at step t - 1."""
    H = prev.shape[0] // 2
    for j in range(H):
        i, f, g, o, tc = cache[j], cache[H + j], cache[2 * H + j], cache[3 * H + j], cache[4 * H + j]
        dh = ds[j]
        dc = ds[H + j] + dh * o * (1.0 - tc * tc)
        da[j] = dc * g * i * (1.0 - i)
        da[H + j] = dc * prev[H + j] * f * (1.0 - f)
        da[2 * H + j] = dc * i * (1.0 - g * g)
        da[3 * H + j] = dh * tc * o * (1.0 - o)
        dprev[j] = 0.0
        dprev[H + j] = dc * f
    for k in range(4 * H):
        db[k] += da[k]
    _add_outer(x, da, dWx)
    _add_outer(prev[:H], da, dWh)
    _add_vecmat(da, WhT, dprev[:H])


# --------------------------------------------------------------------------
# Whole sequences
# --------------------------------------------------------------------------


@kernel
def sequence_forward(
    cell: int,  # RNN | GRU | LSTM
    X: np.ndarray,  # (B, T, D) inputs
    Wx: np.ndarray,  # (D, G*H)
    Wh: np.ndarray,  # (H, G*H)
    b: np.ndarray,  # (G*H,) or (4H,) for the GRU
    states: np.ndarray,  # (B, T + 1, S) out: slot 0 zero, slot t + 1 after step t
    cache: np.ndarray,  # (B, T, cache_size) out: what backward needs
) -> None:
    B, T = X.shape[0], X.shape[1]
    exact = states.itemsize == 8
    ah = np.empty(Wh.shape[1], dtype=states.dtype)  # (G*H,) GRU scratch
    for n in range(B):
        states[n, 0] = 0.0
        for t in range(T):
            x, prev, state = X[n, t], states[n, t], states[n, t + 1]
            if cell == RNN:
                _rnn_forward_step(x, prev, Wx, Wh, b, state, exact)
            elif cell == GRU:
                _gru_forward_step(x, prev, Wx, Wh, b, state, cache[n, t], ah, exact)
            else:
                _lstm_forward_step(x, prev, Wx, Wh, b, state, cache[n, t], exact)


@kernel
def sequence_backward(
    cell: int,
    X: np.ndarray,  # (B, T, D)
    Wh: np.ndarray,  # (H, G*H)
    states: np.ndarray,  # (B, T + 1, S) from sequence_forward
    cache: np.ndarray,  # (B, T, cache_size) from sequence_forward
    dH: np.ndarray,  # (B, T, H) d(loss)/d(h_t) from whatever reads the hidden states
    dWx: np.ndarray,  # (D, G*H) out
    dWh: np.ndarray,  # (H, G*H) out
    db: np.ndarray,  # like b, out
    grad_norm_sq: np.ndarray,  # (T,) out: sum over the batch of |d(loss)/d(h_t)|^2
) -> None:
    """Backpropagation through time, one sequence at a time from its last step.

    The gradient reaching h_t is what the loss puts there directly (dH) plus
    what flows back from step t + 1; its squared norm per step is recorded,
    which shows how gradients fade (or not) with distance from the loss."""
    B, T, H = dH.shape
    S = states.shape[2]
    dtype = states.dtype
    WhT = np.ascontiguousarray(Wh.T)  # (G*H, H): turns W_h @ d into row updates
    carry = np.empty(S, dtype=dtype)  # d(loss)/d(s_t) flowing back from step t + 1
    dprev = np.empty(S, dtype=dtype)
    da = np.empty(Wh.shape[1], dtype=dtype)  # (G*H,) gate pre-activation grads
    dah = np.empty(Wh.shape[1], dtype=dtype)  # (G*H,) GRU: hidden-side grads
    dWx[...] = 0.0
    dWh[...] = 0.0
    db[...] = 0.0
    grad_norm_sq[...] = 0.0
    for n in range(B):
        carry[:] = 0.0
        for t in range(T - 1, -1, -1):
            norm_sq = 0.0
            for j in range(H):
                carry[j] += dH[n, t, j]
                norm_sq += carry[j] * carry[j]
            grad_norm_sq[t] += norm_sq
            x, prev = X[n, t], states[n, t]
            if cell == RNN:
                _rnn_backward_step(x, prev, states[n, t + 1], WhT, carry, dprev, dWx, dWh, db, da)
            elif cell == GRU:
                _gru_backward_step(x, prev, cache[n, t], WhT, carry, dprev, dWx, dWh, db, da, dah)
            else:
                _lstm_backward_step(x, prev, cache[n, t], WhT, carry, dprev, dWx, dWh, db, da)
            carry[:] = dprev

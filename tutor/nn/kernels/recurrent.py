"""Recurrent cells (vanilla tanh RNN, GRU, LSTM) over whole sequences, and
backpropagation through time.

Every cell is a map (x_t, s_{t-1}) -> s_t on a *state*: the hidden state h
for the RNN and GRU, the pair [h; c] for the LSTM. All three share one
parameter layout, with G gates stacked (G = 1, 3, 4)::

    Wx (D, G*H)   input  -> gate pre-activations
    Wh (H, G*H)   hidden -> gate pre-activations
    b  (G*H,)     biases; the GRU has H more at the end (b_hn, see below)

    RNN   h = tanh(x Wx + h_prev Wh + b)
    GRU   r = sigmoid(.), z = sigmoid(.)              (gates r | z | n)
          n = tanh(x Wx_n + b_n + r * (h_prev Wh_n + b_hn))
          h = (1 - z) * n + z * h_prev                (the cuDNN / PyTorch form)
    LSTM  i, f, o = sigmoid(.), g = tanh(.)           (gates i | f | g | o)
          c = f * c_prev + i * g,  h = o * tanh(c)

Layout is time-major and feature-major, like the dense kernels: step t of
the inputs is `X[t]` of shape (D, B), one column per sequence. Then each
step's matrix products are small GEMMs over the whole batch (np.dot calls
BLAS: about 0.7 us for (48, 16) x (16, 64)), and the gate arithmetic runs
along contiguous batch rows, which LLVM vectorises.

`states` has T + 1 slots: slot 0 is the zero initial state, slot t + 1 the
state after step t. `cache` keeps per step what backward needs and cannot
cheaply recompute (the post-activation gates). Backward kernels overwrite
their gradient outputs.

Activations: float64 arrays get libm's tanh (exact, for gradient checks),
float32 arrays the vectorisable rational tanh of `kernels.activations`
(numba's libm tanh costs ~9 ns per value here, the rational one < 0.5 ns);
`is_float64` makes that choice a compile-time constant.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from tutor.nn.jit import inlined, is_float64, kernel
from tutor.nn.kernels.activations import tanh_value

CellKind = Literal["rnn", "gru", "lstm"]
RNN, GRU, LSTM = 0, 1, 2
CELL_CODES: dict[str, int] = {"rnn": RNN, "gru": GRU, "lstm": LSTM}
GATES: dict[str, int] = {"rnn": 1, "gru": 3, "lstm": 4}


def state_size(cell: CellKind, hidden: int) -> int:
    """Rows of the carried state: h, or [h; c] for the LSTM."""
    return 2 * hidden if cell == "lstm" else hidden


def cache_size(cell: CellKind, hidden: int) -> int:
    """Rows kept per step for backward: GRU r|z|n|hn, LSTM i|f|g|o|tanh(c)."""
    return {"rnn": 0, "gru": 4 * hidden, "lstm": 5 * hidden}[cell]


def param_shapes(cell: CellKind, n_inputs: int, hidden: int) -> dict[str, tuple[int, ...]]:
    gates = GATES[cell] * hidden
    n_bias = gates + (hidden if cell == "gru" else 0)
    return {"Wx": (n_inputs, gates), "Wh": (hidden, gates), "b": (n_bias,)}


@inlined
def _tanh(x, exact):  # type: ignore[no-untyped-def]
    return tanh_value(x, not exact)


@inlined
def _sigmoid(x, exact):  # type: ignore[no-untyped-def]
    # sigmoid(x) = (1 + tanh(x / 2)) / 2 reuses the fast tanh; the constant
    # takes x's type so float32 maths is not promoted to float64
    half = type(x)(0.5)
    return half + half * tanh_value(half * x, not exact)


@inlined
def _add_rows(total, part):  # type: ignore[no-untyped-def]
    """total += part for 2-D arrays of one shape, row by row (numba's own
    `+=` on 2-D arrays ran ~10x slower and compiles for seconds)."""
    for j in range(total.shape[0]):
        t, p = total[j], part[j]
        for n in range(t.shape[0]):
            t[n] += p[n]


@inlined
def _copy_rows(source, target):  # type: ignore[no-untyped-def]
    """target[...] = source, row by row (same reasons as _add_rows)."""
    for j in range(target.shape[0]):
        s, t = source[j], target[j]
        for n in range(t.shape[0]):
            t[n] = s[n]


# --------------------------------------------------------------------------
# Gate arithmetic of one step, forward and backward side by side per cell.
# ax = x Wx and ah = h_prev Wh (both (G*H, B), without biases) come in;
# for backward, `ds` is d(loss)/d(state) at this step, `dprev` receives the
# direct (non-GEMM) part of d(loss)/d(previous state), `da` the gradients of
# the input-side pre-activations, and for the GRU `dah` those of the
# hidden side (the same for the other cells, which then leave it alone).
# Loops run over 1-D row views along the batch: simple enough for LLVM to
# vectorise (indexing 2-D arrays in the inner loop was 1.7x slower).
# --------------------------------------------------------------------------


@inlined
def _rnn_gates_forward(ax, ah, b, prev, state, cache, exact):  # type: ignore[no-untyped-def]
    H, B = state.shape
    for j in range(H):
        axj, ahj, bj, h = ax[j], ah[j], b[j], state[j]
        for n in range(B):
            h[n] = _tanh(axj[n] + ahj[n] + bj, exact)


@inlined
def _rnn_gates_backward(prev, state, cache, ds, dprev, da, dah):  # type: ignore[no-untyped-def]
    H, B = state.shape
    one = state.dtype.type(1.0)
    for j in range(H):
        h, dh, daj = state[j], ds[j], da[j]
        for n in range(B):
            daj[n] = dh[n] * (one - h[n] * h[n])
    dprev[...] = 0.0


@inlined
def _gru_gates_forward(ax, ah, b, prev, state, cache, exact):  # type: ignore[no-untyped-def]
    H, B = state.shape
    for j in range(H):
        ax_r, ax_z, ax_n = ax[j], ax[H + j], ax[2 * H + j]
        ah_r, ah_z, ah_n = ah[j], ah[H + j], ah[2 * H + j]
        b_r, b_z, b_n, b_hn = b[j], b[H + j], b[2 * H + j], b[3 * H + j]
        r_out, z_out, n_out, hn_out = cache[j], cache[H + j], cache[2 * H + j], cache[3 * H + j]
        h_prev, h = prev[j], state[j]
        for n in range(B):
            r = _sigmoid(ax_r[n] + ah_r[n] + b_r, exact)
            z = _sigmoid(ax_z[n] + ah_z[n] + b_z, exact)
            hn = ah_n[n] + b_hn
            new = _tanh(ax_n[n] + b_n + r * hn, exact)
            r_out[n], z_out[n], n_out[n], hn_out[n] = r, z, new, hn
            h[n] = new + z * (h_prev[n] - new)


@inlined
def _gru_gates_backward(prev, state, cache, ds, dprev, da, dah):  # type: ignore[no-untyped-def]
    H, B = state.shape
    one = state.dtype.type(1.0)
    for j in range(H):
        r_in, z_in, n_in, hn_in = cache[j], cache[H + j], cache[2 * H + j], cache[3 * H + j]
        da_r, da_z, da_n = da[j], da[H + j], da[2 * H + j]
        dah_n = dah[2 * H + j]
        h_prev, dh_in, dh_prev = prev[j], ds[j], dprev[j]
        for n in range(B):
            r, z, new, dh = r_in[n], z_in[n], n_in[n], dh_in[n]
            dn_pre = dh * (one - z) * (one - new * new)  # d/d(pre-activation of n)
            da_r[n] = dn_pre * hn_in[n] * r * (one - r)
            da_z[n] = dh * (h_prev[n] - new) * z * (one - z)
            da_n[n] = dn_pre
            dah_n[n] = dn_pre * r  # r gates the hidden side of n (and b_hn)
            dh_prev[n] = dh * z
    _copy_rows(da[: 2 * H], dah[: 2 * H])  # r and z see x Wx and h Wh alike


@inlined
def _lstm_gates_forward(ax, ah, b, prev, state, cache, exact):  # type: ignore[no-untyped-def]
    H, B = state.shape[0] // 2, state.shape[1]
    for j in range(H):
        ax_i, ax_f, ax_g, ax_o = ax[j], ax[H + j], ax[2 * H + j], ax[3 * H + j]
        ah_i, ah_f, ah_g, ah_o = ah[j], ah[H + j], ah[2 * H + j], ah[3 * H + j]
        b_i, b_f, b_g, b_o = b[j], b[H + j], b[2 * H + j], b[3 * H + j]
        i_out, f_out, g_out = cache[j], cache[H + j], cache[2 * H + j]
        o_out, tc_out = cache[3 * H + j], cache[4 * H + j]
        c_prev, h, c_new = prev[H + j], state[j], state[H + j]
        for n in range(B):
            i = _sigmoid(ax_i[n] + ah_i[n] + b_i, exact)
            f = _sigmoid(ax_f[n] + ah_f[n] + b_f, exact)
            g = _tanh(ax_g[n] + ah_g[n] + b_g, exact)
            o = _sigmoid(ax_o[n] + ah_o[n] + b_o, exact)
            c = f * c_prev[n] + i * g
            tc = _tanh(c, exact)
            i_out[n], f_out[n], g_out[n], o_out[n], tc_out[n] = i, f, g, o, tc
            h[n] = o * tc
            c_new[n] = c


@inlined
def _lstm_gates_backward(prev, state, cache, ds, dprev, da, dah):  # type: ignore[no-untyped-def]
    """ds = [dh; dc] at step t -> dprev = [0; dc] at step t - 1 (dh comes by GEMM)."""
    H, B = state.shape[0] // 2, state.shape[1]
    one = state.dtype.type(1.0)
    for j in range(H):
        i_in, f_in, g_in = cache[j], cache[H + j], cache[2 * H + j]
        o_in, tc_in = cache[3 * H + j], cache[4 * H + j]
        da_i, da_f, da_g, da_o = da[j], da[H + j], da[2 * H + j], da[3 * H + j]
        dh_in, dc_in, c_prev, dc_prev = ds[j], ds[H + j], prev[H + j], dprev[H + j]
        for n in range(B):
            i, f, g, o, tc, dh = i_in[n], f_in[n], g_in[n], o_in[n], tc_in[n], dh_in[n]
            dc = dc_in[n] + dh * o * (one - tc * tc)
            da_i[n] = dc * g * i * (one - i)
            da_f[n] = dc * c_prev[n] * f * (one - f)
            da_g[n] = dc * i * (one - g * g)
            da_o[n] = dh * tc * o * (one - o)
            dc_prev[n] = dc * f
    dprev[:H] = 0.0


# --------------------------------------------------------------------------
# Whole sequences
# --------------------------------------------------------------------------


@kernel
def sequence_forward(
    cell: int,  # RNN | GRU | LSTM
    X: np.ndarray,  # (T, D, B) inputs
    Wx: np.ndarray,  # (D, G*H)
    Wh: np.ndarray,  # (H, G*H)
    b: np.ndarray,  # (G*H,), (4H,) for the GRU
    states: np.ndarray,  # (T + 1, S, B) out: slot 0 zero, slot t + 1 after step t
    cache: np.ndarray,  # (T, cache_size, B) out: what backward needs
) -> None:
    T, _, B = X.shape
    H, GH = Wh.shape
    exact = is_float64(states)
    ax = np.empty((GH, B), dtype=states.dtype)  # x_t Wx
    ah = np.empty((GH, B), dtype=states.dtype)  # h_{t-1} Wh
    states[0] = 0.0
    for t in range(T):
        prev, state = states[t], states[t + 1]
        np.dot(Wx.T, X[t], ax)
        np.dot(Wh.T, prev[:H], ah)
        if cell == RNN:
            _rnn_gates_forward(ax, ah, b, prev, state, cache[t], exact)
        elif cell == GRU:
            _gru_gates_forward(ax, ah, b, prev, state, cache[t], exact)
        else:
            _lstm_gates_forward(ax, ah, b, prev, state, cache[t], exact)


@kernel
def sequence_backward(
    cell: int,
    X: np.ndarray,  # (T, D, B)
    Wh: np.ndarray,  # (H, G*H)
    states: np.ndarray,  # (T + 1, S, B) from sequence_forward
    cache: np.ndarray,  # (T, cache_size, B) from sequence_forward
    dH: np.ndarray,  # (T, H, B) d(loss)/d(h_t) from whatever reads the hidden states
    dWx: np.ndarray,  # (D, G*H) out
    dWh: np.ndarray,  # (H, G*H) out
    db: np.ndarray,  # like b, out
    grad_norm_sq: np.ndarray,  # (T,) out: sum over the batch of |d(loss)/d(h_t)|^2
) -> None:
    """Backpropagation through time, from the last step to the first.

    The gradient reaching h_t is what the loss puts there directly (dH) plus
    what flows back from step t + 1; its squared norm per step is recorded,
    which shows how gradients fade (or not) with distance from the loss."""
    T, D, B = X.shape
    H, GH = Wh.shape
    S = states.shape[1]
    dtype = states.dtype
    carry = np.zeros((S, B), dtype=dtype)  # d(loss)/d(state_t), flowing back
    dprev = np.empty((S, B), dtype=dtype)
    da = np.empty((GH, B), dtype=dtype)  # input-side pre-activation grads
    dah = np.empty((GH, B), dtype=dtype)  # GRU: hidden-side ones (differ for n)
    da_sum = np.zeros((GH, B), dtype=dtype)  # bias grads before summing over the batch
    dhn_sum = np.zeros((H, B), dtype=dtype)  # GRU: grads of b_hn, likewise
    dWx_t = np.empty((D, GH), dtype=dtype)
    dWh_t = np.empty((H, GH), dtype=dtype)
    dh_gemm = np.empty((H, B), dtype=dtype)
    norm_sq = np.empty(B, dtype=dtype)  # per column, so the sum vectorises
    dWx[...] = 0.0
    dWh[...] = 0.0
    for t in range(T - 1, -1, -1):
        norm_sq[:] = 0.0
        for j in range(H):
            g, direct = carry[j], dH[t, j]
            for n in range(B):
                g[n] += direct[n]
                norm_sq[n] += g[n] * g[n]
        grad_norm_sq[t] = norm_sq.sum()
        prev = states[t]
        if cell == RNN:
            _rnn_gates_backward(prev, states[t + 1], cache[t], carry, dprev, da, dah)
        elif cell == GRU:
            _gru_gates_backward(prev, states[t + 1], cache[t], carry, dprev, da, dah)
            _add_rows(dhn_sum, dah[2 * H :])
        else:
            _lstm_gates_backward(prev, states[t + 1], cache[t], carry, dprev, da, dah)
        hidden_side = dah if cell == GRU else da
        _add_rows(da_sum, da)
        np.dot(X[t], da.T, dWx_t)
        _add_rows(dWx, dWx_t)
        np.dot(prev[:H], hidden_side.T, dWh_t)
        _add_rows(dWh, dWh_t)
        np.dot(Wh, hidden_side, dh_gemm)
        carry, dprev = dprev, carry  # the previous step's gradient becomes the carry
        _add_rows(carry[:H], dh_gemm)
    for k in range(GH):
        db[k] = da_sum[k].sum()
    if cell == GRU:
        for j in range(H):
            db[GH + j] = dhn_sum[j].sum()

"""Elementwise activations: value and derivative computed in one pass.

`activation_forward` writes f(z), and f'(z) into the buffer that held z,
so backward is a single multiply (dz = da * f'(z)) and never needs z again.
(Always writing f'(z) costs one store per value; a flag for inference-only
passes would double the compiled code: numba specialises on literal bools.)
Arrays are flat 1-D views of contiguous layer buffers.

Speed: numba's tanh/exp cost ~9/4 ns per value here (the llvmlite wheel has
no vector maths library), numpy's ~1.7/0.8 ns. On float32 arrays (training)
tanh is a rational function evaluated in float32, which LLVM vectorises:
about 0.5 ns per value, max error 3e-7 (numpy's float32 tanh: 1e-7). Sigmoid
and GELU are built on it. On float64 arrays (gradient checks) the exact
library functions are used; the choice is made at compile time (is_float64).
"""

from __future__ import annotations

import numpy as np

from tutor.nn.jit import is_float64, kernel

IDENTITY, RELU, LEAKY_RELU, GELU, SIGMOID, TANH = 0, 1, 2, 3, 4, 5
ACTIVATIONS: dict[str, int] = {
    "identity": IDENTITY,
    "relu": RELU,
    "leaky_relu": LEAKY_RELU,
    "gelu": GELU,
    "sigmoid": SIGMOID,
    "tanh": TANH,
}

# tanh(x) ~= x * P(x^2) / Q(x^2) on |x| <= 9 (beyond, tanh rounds to +-1 in
# float32). Coefficients from our own iteratively reweighted least-squares
# fit of the relative error (degree 4 over 4 in x^2); fit error 2e-8.
_TANH_CLAMP = 9.0
_P0, _P1, _P2, _P3, _P4 = (
    9.99999980e-01,
    1.33809486e-01,
    3.49549464e-03,
    2.06074737e-05,
    1.33523334e-08,
)
_Q1, _Q2, _Q3, _Q4 = 4.67142643e-01, 2.58766317e-02, 3.28547871e-04, 7.77562451e-07

_GELU_C = 0.7978845608028654  # sqrt(2 / pi)
_GELU_K = 0.044715


@kernel
def tanh_value(x, fast: bool):  # type: ignore[no-untyped-def]
    """tanh(x): with `fast`, a rational approximation in the precision of x,
    branch-free so loops vectorise; else the library function."""
    if not fast:
        return np.tanh(x)
    t = type(x)
    c = t(_TANH_CLAMP)
    # Clamps as selects, not min/max: numba's NaN-aware min/max stop vectorisation.
    x = c if x > c else x
    x = -c if x < -c else x
    s = x * x
    num = (((t(_P4) * s + t(_P3)) * s + t(_P2)) * s + t(_P1)) * s + t(_P0)
    den = (((t(_Q4) * s + t(_Q3)) * s + t(_Q2)) * s + t(_Q1)) * s + t(1.0)
    y = x * num / den
    # rounding can overshoot 1 by an ulp near the clamp; 1 - y^2 must stay >= 0
    y = t(1.0) if y > t(1.0) else y
    return t(-1.0) if y < t(-1.0) else y


@kernel
def activation_forward(
    code: int,
    z: np.ndarray,  # (n,) pre-activations; overwritten with f'(z)
    a: np.ndarray,  # (n,) out: f(z)
    slope: float,  # negative-side slope of leaky ReLU
) -> None:
    """a = f(z); z <- f'(z) (one loop per activation so that each vectorises)."""
    fast = not is_float64(z)  # a compile-time constant: no branch left in the loops
    n = z.shape[0]
    one = z.dtype.type(1.0)
    zero = z.dtype.type(0.0)
    half = z.dtype.type(0.5)
    leak = z.dtype.type(slope)
    if code == IDENTITY:
        for i in range(n):
            a[i] = z[i]
            z[i] = one
    elif code == RELU:
        for i in range(n):
            positive = z[i] > zero
            a[i] = z[i] if positive else zero
            z[i] = one if positive else zero
    elif code == LEAKY_RELU:
        for i in range(n):
            positive = z[i] > zero
            a[i] = z[i] if positive else leak * z[i]
            z[i] = one if positive else leak
    elif code == TANH:
        for i in range(n):
            t = tanh_value(z[i], fast)
            a[i] = t
            z[i] = one - t * t
    elif code == SIGMOID:
        for i in range(n):
            # sigmoid(x) = (1 + tanh(x / 2)) / 2: one code path for fast and exact
            s = half + half * tanh_value(half * z[i], fast)
            a[i] = s
            z[i] = s * (one - s)
    elif code == GELU:
        # tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        c = z.dtype.type(_GELU_C)
        k = z.dtype.type(_GELU_K)
        k3 = z.dtype.type(3.0 * _GELU_K)
        for i in range(n):
            x = z[i]
            t = tanh_value(c * (x + k * x * x * x), fast)
            a[i] = half * x * (one + t)
            z[i] = half * (one + t) + half * x * (one - t * t) * c * (one + k3 * x * x)
    else:
        raise ValueError("unknown activation code")


@kernel
def activation_backward(
    da: np.ndarray,  # (n,) d loss / d a; overwritten with d loss / d z
    deriv: np.ndarray,  # (n,) f'(z) as left by activation_forward
) -> None:
    for i in range(da.shape[0]):
        da[i] *= deriv[i]

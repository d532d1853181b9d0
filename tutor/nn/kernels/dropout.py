"""Inverted dropout: training zeroes each unit with probability `rate` and
scales survivors by 1 / (1 - rate), so inference (dropout off) needs no
rescaling.

Randomness is passed in, never drawn here: the model fills `uniform` from
its own `np.random.Generator` (`draw_uniforms`), so a run is reproducible
from its seed and numba's global random state is never used.

The mask multiplies the activation AND the stored activation derivative
(see `activation_forward`), so the backward pass through dropout is the
same single multiply dz = da * f'(z) * mask, with no extra kernel.
"""

from __future__ import annotations

import numpy as np

from tutor.nn.jit import kernel


def draw_uniforms(rng: np.random.Generator, out: np.ndarray) -> None:
    """Fill `out` with U[0, 1) samples from `rng` (in out's dtype)."""
    rng.random(out=out, dtype=out.dtype.type)


@kernel
def dropout_forward(
    a: np.ndarray,  # (n,) activations, masked in place
    deriv: np.ndarray,  # (n,) activation derivatives, masked in place
    uniform: np.ndarray,  # (n,) U[0, 1) samples
    rate: float,  # probability of dropping a unit, 0 <= rate < 1
) -> None:
    drop = uniform.dtype.type(rate)
    scale = a.dtype.type(1.0 / (1.0 - rate))
    zero = a.dtype.type(0.0)
    for i in range(a.shape[0]):
        m = scale if uniform[i] >= drop else zero
        a[i] *= m
        deriv[i] *= m

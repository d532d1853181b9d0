"""2-D convolution (stride 1) and 2x2 max-pooling, forward and backward.

Layout is channels-first: images `(B, C, H, W)`, filters `(F, C, K, K)`.
Like every deep-learning library, "convolution" here is cross-correlation
(the filter is not flipped), so a learned filter looks like the pattern it
detects.

Padding is an integer `pad` of zeros around each image: `pad = 0` is
'valid' (output shrinks by K - 1), `pad = K // 2` with odd K is 'same'
(output keeps the input size). Instead of materialising a padded copy, each
filter tap (u, v) only visits the output positions whose input pixel lies
inside the image, so padding costs nothing.

The images are tiny (8x8 or 12x12, a few filters), so plain loops beat
im2col + BLAS here: there is no matrix large enough to amortise a BLAS call.
Backward kernels overwrite their gradient outputs.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from tutor.nn.jit import kernel

Padding = Literal["valid", "same"]


def padding_amount(padding: Padding, kernel_size: int) -> int:
    """Zeros added on each side for 'valid' (none) or 'same' (odd kernels)."""
    if padding == "valid":
        return 0
    if padding == "same":
        if kernel_size % 2 == 0:
            raise ValueError("'same' padding needs an odd kernel size")
        return kernel_size // 2
    raise ValueError(f"unknown padding {padding!r}")


def conv_output_size(size: int, kernel_size: int, pad: int) -> int:
    return size + 2 * pad - kernel_size + 1


@kernel
def _tap_range(out_size: int, in_size: int, tap: int, pad: int) -> tuple[int, int]:
    """Output positions o in [lo, hi) whose input o + tap - pad is inside the image."""
    return max(0, pad - tap), min(out_size, in_size + pad - tap)


@kernel
def conv2d_forward(
    X: np.ndarray,  # (B, C, H, W) input images
    Wt: np.ndarray,  # (F, C, K, K) filters
    b: np.ndarray,  # (F,) biases
    pad: int,
    Y: np.ndarray,  # (B, F, Ho, Wo) output, overwritten
) -> None:
    """Y[n, f, i, j] = b[f] + sum_{c,u,v} Wt[f, c, u, v] * X[n, c, i + u - pad, j + v - pad]."""
    B, C, H, W = X.shape
    F, _, K, _ = Wt.shape
    Ho, Wo = Y.shape[2], Y.shape[3]
    for n in range(B):
        for f in range(F):
            Y[n, f] = b[f]
            for c in range(C):
                for u in range(K):
                    i0, i1 = _tap_range(Ho, H, u, pad)
                    for v in range(K):
                        j0, j1 = _tap_range(Wo, W, v, pad)
                        w = Wt[f, c, u, v]
                        for i in range(i0, i1):
                            for j in range(j0, j1):
                                Y[n, f, i, j] += w * X[n, c, i + u - pad, j + v - pad]


@kernel
def conv2d_backward(
    X: np.ndarray,  # (B, C, H, W) input of the forward pass
    Wt: np.ndarray,  # (F, C, K, K)
    dY: np.ndarray,  # (B, F, Ho, Wo) d(loss)/d(output)
    pad: int,
    dW: np.ndarray,  # (F, C, K, K) out: d(loss)/d(filters)
    db: np.ndarray,  # (F,) out: d(loss)/d(biases)
    dX: np.ndarray,  # (B, C, H, W) out: d(loss)/d(input), written only if need_dX
    need_dX: bool,  # False for a first layer, whose input is data
) -> None:
    """Gradients of `conv2d_forward`: each filter tap correlates dY with the input
    (dW) and scatters dY back through the tap onto the input (dX)."""
    B, C, H, W = X.shape
    F, _, K, _ = Wt.shape
    Ho, Wo = dY.shape[2], dY.shape[3]
    dW[...] = 0.0
    db[...] = 0.0
    if need_dX:
        dX[...] = 0.0
    for n in range(B):
        for f in range(F):
            db[f] += dY[n, f].sum()
            for c in range(C):
                for u in range(K):
                    i0, i1 = _tap_range(Ho, H, u, pad)
                    for v in range(K):
                        j0, j1 = _tap_range(Wo, W, v, pad)
                        w = Wt[f, c, u, v]
                        acc = 0.0
                        for i in range(i0, i1):
                            for j in range(j0, j1):
                                g = dY[n, f, i, j]
                                acc += g * X[n, c, i + u - pad, j + v - pad]
                                if need_dX:
                                    dX[n, c, i + u - pad, j + v - pad] += w * g
                        dW[f, c, u, v] += acc


@kernel
def maxpool2x2_forward(
    X: np.ndarray,  # (B, C, H, W)
    Y: np.ndarray,  # (B, C, H // 2, W // 2) out: window maxima
    argmax: np.ndarray,  # (B, C, H // 2, W // 2) int out: winner 0..3 (row-major in the window)
) -> None:
    """Non-overlapping 2x2 max-pooling; an odd last row/column is dropped.

    The winner of each window is remembered so that backward can route the
    gradient to it (ties go to the first maximum)."""
    B, C = X.shape[0], X.shape[1]
    Hp, Wp = Y.shape[2], Y.shape[3]
    for n in range(B):
        for c in range(C):
            for i in range(Hp):
                for j in range(Wp):
                    best = X[n, c, 2 * i, 2 * j]
                    winner = 0
                    for k in range(1, 4):
                        value = X[n, c, 2 * i + k // 2, 2 * j + k % 2]
                        if value > best:
                            best = value
                            winner = k
                    Y[n, c, i, j] = best
                    argmax[n, c, i, j] = winner


@kernel
def maxpool2x2_backward(
    dY: np.ndarray,  # (B, C, Hp, Wp) d(loss)/d(pooled)
    argmax: np.ndarray,  # (B, C, Hp, Wp) winners from the forward pass
    dX: np.ndarray,  # (B, C, H, W) out: only each window's winner gets gradient
) -> None:
    B, C = dY.shape[0], dY.shape[1]
    Hp, Wp = dY.shape[2], dY.shape[3]
    dX[...] = 0.0
    for n in range(B):
        for c in range(C):
            for i in range(Hp):
                for j in range(Wp):
                    k = argmax[n, c, i, j]
                    dX[n, c, 2 * i + k // 2, 2 * j + k % 2] = dY[n, c, i, j]

"""2-D convolution (stride 1) and 2x2 max-pooling, forward and backward.

Layout is channels-first: images `(B, C, H, W)`, filters `(F, C, K, K)`.
Like every deep-learning library, "convolution" here is cross-correlation
(the filter is not flipped), so a learned filter looks like the pattern it
detects.

Padding is an integer `pad` of zeros around each image: `pad = 0` is
'valid' (output shrinks by K - 1), `pad = K // 2` with odd K is 'same'
(output keeps the input size).

How the convolution is computed: each (zero-padded) image plane of width
Wp is flattened, and the output is computed on the same row pitch Wp
("wide" rows whose last K - 1 entries are junk, cropped at the end). Then
filter tap (u, v) is ONE contiguous update over the flattened plane,
`out[p] += w[u, v] * x[p + u * Wp + v]`, which LLVM vectorises; the
images are tiny (8x8 to 12x12), too small for im2col + BLAS to pay off.
Indexing each pixel in 4-D with border tests ran ~10x slower.
Backward kernels overwrite their gradient outputs.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from tutor.nn.jit import inlined, kernel

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


@inlined
def _copy(source: np.ndarray, target: np.ndarray) -> None:
    """target[:] = source for 1-D rows (numba's slice assignment is slower)."""
    for j in range(target.shape[0]):
        target[j] = source[j]


@inlined
def _plane_row(planes: np.ndarray, n: int, c: int, i: int, W: int, pad: int) -> np.ndarray:
    """(W,) view of row i of image (n, c) inside its zero-padded, flattened
    plane `planes[n, c]` of row pitch W + 2 pad."""
    start = (i + pad) * (W + 2 * pad) + pad
    return planes[n, c, start : start + W]


@inlined
def _padded_planes(X: np.ndarray, pad: int) -> np.ndarray:
    """(B, C, (H + 2 pad) * (W + 2 pad)): each image plane zero-padded and flattened."""
    B, C, H, W = X.shape
    planes = np.zeros((B, C, (H + 2 * pad) * (W + 2 * pad)), dtype=X.dtype)
    for n in range(B):
        for c in range(C):
            for i in range(H):
                _copy(X[n, c, i], _plane_row(planes, n, c, i, W, pad))
    return planes


@kernel
def conv2d_forward(
    X: np.ndarray,  # (B, C, H, W) input images
    Wt: np.ndarray,  # (F, C, K, K) filters
    b: np.ndarray,  # (F,) biases
    pad: int,
    Y: np.ndarray,  # (B, F, Ho, Wo) output, overwritten
) -> None:
    """Y[n, f, i, j] = b[f] + sum_{c,u,v} Wt[f, c, u, v] * Xpadded[n, c, i + u, j + v]."""
    B, C, W = X.shape[0], X.shape[1], X.shape[3]
    F, K = Wt.shape[0], Wt.shape[2]
    Ho, Wo = Y.shape[2], Y.shape[3]
    Wp = W + 2 * pad
    L = (Ho - 1) * Wp + Wo  # wide output positions up to the last real one
    planes = _padded_planes(X, pad)
    wide = np.empty(L, dtype=Y.dtype)
    for n in range(B):
        for f in range(F):
            wide[:] = b[f]
            for c in range(C):
                for u in range(K):
                    for v in range(K):
                        w = Wt[f, c, u, v]
                        shifted = planes[n, c, u * Wp + v : u * Wp + v + L]
                        for p in range(L):
                            wide[p] += w * shifted[p]
            for i in range(Ho):
                _copy(wide[i * Wp : i * Wp + Wo], Y[n, f, i])


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
    """Gradients of `conv2d_forward`: each filter tap correlates dY with the
    shifted input plane (dW) and scatters dY back through the tap (dX)."""
    B, C, H, W = X.shape
    F, K = Wt.shape[0], Wt.shape[2]
    Ho, Wo = dY.shape[2], dY.shape[3]
    Wp = W + 2 * pad
    L = (Ho - 1) * Wp + Wo
    planes = _padded_planes(X, pad)
    dplanes = np.zeros_like(planes)  # d(loss)/d(padded planes)
    wide = np.zeros(L, dtype=dY.dtype)  # dY on the wide grid; junk columns stay 0
    products = np.zeros((C, K, K, L), dtype=dY.dtype)  # dW terms, summed over p at the end
    for f in range(F):
        products[...] = 0.0
        total = 0.0
        for n in range(B):
            for i in range(Ho):
                _copy(dY[n, f, i], wide[i * Wp : i * Wp + Wo])
            total += wide.sum()
            for c in range(C):
                for u in range(K):
                    for v in range(K):
                        shifted = planes[n, c, u * Wp + v : u * Wp + v + L]
                        acc = products[c, u, v]
                        for p in range(L):
                            acc[p] += wide[p] * shifted[p]
                        if need_dX:
                            w = Wt[f, c, u, v]
                            back = dplanes[n, c, u * Wp + v : u * Wp + v + L]
                            for p in range(L):
                                back[p] += w * wide[p]
        db[f] = total
        for c in range(C):
            for u in range(K):
                for v in range(K):
                    dW[f, c, u, v] = products[c, u, v].sum()
    if need_dX:  # crop the padding off: the inverse of _padded_planes
        for n in range(B):
            for c in range(C):
                for i in range(H):
                    _copy(_plane_row(dplanes, n, c, i, W, pad), dX[n, c, i])


NO_WINNER = -1  # argmax of a window that passes no gradient (ReLU cut it to 0)


@kernel
def maxpool2x2_forward(
    X: np.ndarray,  # (B, C, H, W)
    Y: np.ndarray,  # (B, C, H // 2, W // 2) out: window maxima
    argmax: np.ndarray,  # (B, C, H // 2, W // 2) int out: winner 0..3 (row-major in the window)
    relu: bool,  # pool relu(X) instead of X
) -> None:
    """Non-overlapping 2x2 max-pooling; an odd last row/column is dropped.

    The winner of each window is remembered so that backward can route the
    gradient to it (ties go to the first maximum). With `relu`, this is
    maxpool(relu(X)) = relu(maxpool(X)) in one pass: a window whose maximum
    is <= 0 outputs 0 and its argmax is NO_WINNER."""
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
                    if relu and best <= 0.0:
                        best = 0.0
                        winner = NO_WINNER
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
                    if k != NO_WINNER:
                        dX[n, c, 2 * i + k // 2, 2 * j + k % 2] = dY[n, c, i, j]

"""Convolution and max-pooling kernels: values against a direct numpy
definition, gradients against central finite differences (float64)."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import central_difference, relative_error

from tutor.nn.kernels.conv import (
    conv2d_backward,
    conv2d_forward,
    conv_output_size,
    maxpool2x2_backward,
    maxpool2x2_forward,
    padding_amount,
)


def reference_conv(X: np.ndarray, Wt: np.ndarray, b: np.ndarray, pad: int) -> np.ndarray:
    """Cross-correlation straight from the definition, on an explicitly padded copy."""
    padded = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    K = Wt.shape[2]
    Ho, Wo = padded.shape[2] - K + 1, padded.shape[3] - K + 1
    Y = np.zeros((X.shape[0], Wt.shape[0], Ho, Wo)) + b[None, :, None, None]
    for u in range(K):
        for v in range(K):
            Y += np.einsum("bchw,fc->bfhw", padded[:, :, u : u + Ho, v : v + Wo], Wt[:, :, u, v])
    return Y


def run_conv(X: np.ndarray, Wt: np.ndarray, b: np.ndarray, pad: int) -> np.ndarray:
    K = Wt.shape[2]
    Y = np.empty((X.shape[0], Wt.shape[0], conv_output_size(X.shape[2], K, pad),
                  conv_output_size(X.shape[3], K, pad)))
    conv2d_forward(X, Wt, b, pad, Y)
    return Y


CONV_CASES = [
    # batch, in channels, filters, height, width, kernel, padding
    (1, 1, 1, 5, 5, 3, "valid"),
    (2, 1, 4, 8, 8, 3, "valid"),
    (2, 3, 2, 6, 7, 3, "same"),
    (3, 2, 3, 5, 4, 1, "same"),
    (1, 2, 2, 7, 7, 5, "same"),
    (2, 4, 1, 6, 6, 2, "valid"),
]


@pytest.mark.parametrize(("B", "C", "F", "H", "W", "K", "padding"), CONV_CASES)
def test_conv_forward_matches_definition(B, C, F, H, W, K, padding):
    rng = np.random.default_rng(1)
    X, Wt, b = rng.normal(size=(B, C, H, W)), rng.normal(size=(F, C, K, K)), rng.normal(size=F)
    pad = padding_amount(padding, K)
    np.testing.assert_allclose(run_conv(X, Wt, b, pad), reference_conv(X, Wt, b, pad), atol=1e-12)


@pytest.mark.parametrize(("B", "C", "F", "H", "W", "K", "padding"), CONV_CASES)
@pytest.mark.parametrize("zero_input", [False, True])
def test_conv_gradients(B, C, F, H, W, K, padding, zero_input):
    rng = np.random.default_rng(2)
    X = np.zeros((B, C, H, W)) if zero_input else rng.normal(size=(B, C, H, W))
    Wt, b = rng.normal(size=(F, C, K, K)), rng.normal(size=F)
    pad = padding_amount(padding, K)
    R = rng.normal(size=run_conv(X, Wt, b, pad).shape)  # loss = sum(R * Y), so dY = R

    def loss() -> float:
        return float(np.sum(R * run_conv(X, Wt, b, pad)))

    dW, db, dX = np.empty_like(Wt), np.empty_like(b), np.empty_like(X)
    conv2d_backward(X, Wt, R, pad, dW, db, dX, True)
    for analytic, wrt in ((dW, Wt), (db, b), (dX, X)):
        assert relative_error(analytic, central_difference(loss, wrt)) < 1e-6


def test_conv_backward_can_skip_input_gradient():
    rng = np.random.default_rng(3)
    X, Wt, b = rng.normal(size=(2, 1, 6, 6)), rng.normal(size=(3, 1, 3, 3)), rng.normal(size=3)
    dY = rng.normal(size=(2, 3, 4, 4))
    with_dX = [np.empty_like(Wt), np.empty_like(b), np.empty_like(X)]
    without = [np.empty_like(Wt), np.empty_like(b), np.full_like(X, 7.0)]
    conv2d_backward(X, Wt, dY, 0, *with_dX, True)
    conv2d_backward(X, Wt, dY, 0, *without, False)
    np.testing.assert_array_equal(with_dX[0], without[0])
    np.testing.assert_array_equal(with_dX[1], without[1])
    assert np.all(without[2] == 7.0)  # untouched


def test_same_padding_keeps_size_and_rejects_even_kernels():
    assert conv_output_size(8, 3, padding_amount("same", 3)) == 8
    assert conv_output_size(8, 3, padding_amount("valid", 3)) == 6
    with pytest.raises(ValueError):
        padding_amount("same", 2)


def run_pool(X: np.ndarray, relu: bool) -> tuple[np.ndarray, np.ndarray]:
    B, C, H, W = X.shape
    Y = np.empty((B, C, H // 2, W // 2))
    argmax = np.empty(Y.shape, dtype=np.int8)
    maxpool2x2_forward(X, Y, argmax, relu)
    return Y, argmax


@pytest.mark.parametrize("shape", [(1, 1, 2, 2), (2, 3, 6, 6), (2, 2, 7, 5)])
@pytest.mark.parametrize("relu", [False, True])
def test_maxpool_forward_and_gradient(shape, relu):
    rng = np.random.default_rng(4)
    X = rng.normal(size=shape)
    B, C, H, W = shape
    Y, argmax = run_pool(X, relu)
    cropped = X[:, :, : H // 2 * 2, : W // 2 * 2]
    expected = cropped.reshape(B, C, H // 2, 2, W // 2, 2).max(axis=(3, 5))
    np.testing.assert_array_equal(Y, np.maximum(expected, 0.0) if relu else expected)

    R = rng.normal(size=Y.shape)
    dX = np.empty_like(X)
    maxpool2x2_backward(R, argmax, dX)
    numeric = central_difference(lambda: float(np.sum(R * run_pool(X, relu)[0])), X)
    assert relative_error(dX, numeric) < 1e-6
    # one winner per window, none where the ReLU cut the window to 0
    assert np.count_nonzero(dX) == (np.count_nonzero(Y) if relu else Y.size)


def test_maxpool_float32_runs():
    X = np.random.default_rng(5).normal(size=(2, 4, 6, 6)).astype(np.float32)
    Y = np.empty((2, 4, 3, 3), dtype=np.float32)
    argmax = np.empty(Y.shape, dtype=np.int8)
    maxpool2x2_forward(X, Y, argmax, False)
    assert Y.dtype == np.float32 and np.all(Y >= X[:, :, ::2, ::2])

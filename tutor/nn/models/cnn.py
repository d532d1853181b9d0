"""TinyCNN: one convolution layer, ReLU, 2x2 max-pooling, a softmax head.

The model of the "what does a filter see" lessons: `inspect` returns the
learned filters, the feature maps after ReLU and after pooling. Pooling
makes the prediction tolerate small shifts of the shape.

A training step is five kernel calls: convolution, ReLU + pooling (one
pass, see `maxpool2x2_forward`), the softmax head (forward, loss and
backward), pooling backward, convolution backward (filter and bias
gradients only: the input is data), then the optimizer update. Buffers are
allocated once per batch size; images stay in the (B, C, H, W) layout of
the convolution kernels, and the pooled maps are transposed into the
head's feature-major layout by one numpy copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tutor.nn.base import DType, Optimizer, OptimizerConfig, ParamBuffer, check_dtype
from tutor.nn.kernels.conv import (
    Padding,
    conv2d_backward,
    conv2d_forward,
    conv_output_size,
    maxpool2x2_backward,
    maxpool2x2_forward,
    padding_amount,
)
from tutor.nn.models.head import HeadModel, HeadWorkspace, head_views
from tutor.nn.models.workspaces import WorkspaceCache


@dataclass(frozen=True)
class TinyCNNConfig:
    """Images (N, in_channels, image_size, image_size) -- or (N, size, size)
    for one channel -- into `n_classes` classes.

    `n_filters` filters of `kernel_size` x `kernel_size`, stride 1, padding
    "valid" (maps shrink by kernel_size - 1) or "same" (odd kernel sizes).
    Filters start N(0, 2 / fan_in) (He, for the ReLU) times init_scale^2 in
    variance, the head N(0, 1 / n_features); biases at 0.
    dtype "float32" trains; "float64" is exact (gradient checks).
    """

    image_size: int = 8
    in_channels: int = 1
    n_filters: int = 4
    kernel_size: int = 3
    padding: Padding = "valid"
    n_classes: int = 3
    init_scale: float = 1.0
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    dtype: DType = "float32"

    def __post_init__(self) -> None:
        pad = padding_amount(self.padding, self.kernel_size)  # validates padding
        if min(self.in_channels, self.n_filters, self.kernel_size) < 1 or self.n_classes < 2:
            raise ValueError("need in_channels, n_filters, kernel_size >= 1 and n_classes >= 2")
        if conv_output_size(self.image_size, self.kernel_size, pad) < 2:
            raise ValueError("the feature maps must be at least 2x2 for pooling")
        check_dtype(self.dtype)

    @property
    def map_size(self) -> int:
        """Side of a feature map (before pooling)."""
        return conv_output_size(self.image_size, self.kernel_size,
                                padding_amount(self.padding, self.kernel_size))

    @property
    def n_features(self) -> int:
        """Inputs of the head: pooled maps, flattened."""
        return self.n_filters * (self.map_size // 2) ** 2


class _Workspace:
    """Buffers of one batch size B."""

    def __init__(self, config: TinyCNNConfig, B: int, dtype: np.dtype) -> None:
        S, M, P = config.image_size, config.map_size, config.map_size // 2
        F = config.n_filters
        self.B = B
        self.images = np.zeros((B, config.in_channels, S, S), dtype)
        self.maps = np.zeros((B, F, M, M), dtype)  # convolution outputs (before ReLU)
        self.pooled = np.zeros((B, F, P, P), dtype)  # relu, then 2x2 max
        self.winners = np.zeros((B, F, P, P), np.int8)
        self.dpooled = np.zeros_like(self.pooled)
        self.dmaps = np.zeros_like(self.maps)
        self.head = HeadWorkspace(config.n_features, config.n_classes, B, dtype)
        self.unused_dX = np.zeros((0, 0, 0, 0), dtype)  # input gradient, not needed


class TinyCNN(HeadModel):
    """Parameters "conv_W" (F, C, K, K), "conv_b" (F,), "Wo" (n_features,
    n_classes), "bo" (n_classes,); features are the pooled maps flattened
    filter by filter, row by row."""

    def __init__(self, config: TinyCNNConfig, seed: int = 0) -> None:
        self.config = config
        self.dtype = np.dtype(config.dtype)
        self._pad = padding_amount(config.padding, config.kernel_size)
        F, C, K = config.n_filters, config.in_channels, config.kernel_size
        shapes = {
            "conv_W": (F, C, K, K),
            "conv_b": (F,),
            "Wo": (config.n_features, config.n_classes),  # "bo" right after: one matrix
            "bo": (config.n_classes,),
        }
        self.buffer = ParamBuffer(shapes, self.dtype, decay=("conv_W", "Wo"))
        rng = np.random.default_rng(seed)
        filters, head = self.buffer["conv_W"], self.buffer["Wo"]
        he_std = config.init_scale * np.sqrt(2.0 / (C * K * K))  # fan-in of a filter: C K K
        filters[...] = rng.standard_normal(filters.shape) * he_std
        head_std = config.init_scale / np.sqrt(config.n_features)
        head[...] = rng.standard_normal(head.shape) * head_std
        self._Wb, self._dWb = head_views(self.buffer, "Wo", "bo")
        self.optimizer = Optimizer(config.optimizer, self.buffer.size, self.dtype)
        self._workspace: WorkspaceCache[int, _Workspace] = WorkspaceCache(
            lambda B: _Workspace(config, B, self.dtype))

    # ---- batches ----------------------------------------------------------

    def _forward(self, X: np.ndarray) -> _Workspace:
        """Convolution, ReLU + pooling, features into the head's buffer."""
        X = np.asarray(X)
        c = self.config
        if X.ndim == 3 and c.in_channels == 1:
            X = X[:, None]
        expected = (c.in_channels, c.image_size, c.image_size)
        if X.ndim != 4 or X.shape[1:] != expected or X.shape[0] == 0:
            raise ValueError(f"X must be (N >= 1, {', '.join(map(str, expected))}), got {X.shape}")
        ws = self._workspace(X.shape[0])
        ws.images[...] = X
        b = self.buffer
        conv2d_forward(ws.images, b["conv_W"], b["conv_b"], self._pad, ws.maps)
        maxpool2x2_forward(ws.maps, ws.pooled, ws.winners, True)
        ws.head.inputs[...] = ws.pooled.reshape(ws.B, -1).T
        return ws

    def _loss_and_gradients(self, X: np.ndarray, y: np.ndarray) -> float:
        """Forward and backward; gradients land in buffer.grad."""
        ws = self._forward(X)
        ws.head.load_labels(y, "images")
        loss = ws.head.run(self._Wb, self._dWb, predict_only=False)
        ws.dpooled.reshape(ws.B, -1)[...] = ws.head.dinputs.T
        maxpool2x2_backward(ws.dpooled, ws.winners, ws.dmaps)  # zero where ReLU cut
        b = self.buffer
        conv2d_backward(ws.images, b["conv_W"], ws.dmaps, self._pad, b.grad_view("conv_W"),
                        b.grad_view("conv_b"), ws.unused_dX, False)
        return loss

    # ---- the Model API (loss_and_grads, step, predict: see HeadModel) ------

    def inspect(self, X: np.ndarray, y: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """What the graphics show for images X.

        "filters" (F, C, K, K) the learned filters; "feature_maps" (N, F, M, M)
        convolution outputs after ReLU; "pooled" (N, F, M/2, M/2) after
        max-pooling; "outputs" (N, n_classes) as `predict`;
        "grad_norm_per_layer" (2,) gradient norms of [conv_W; conv_b] and
        [Wo; bo], of the loss on (X, y) if y is given, else of the last step.
        """
        if y is not None:
            self._loss_and_gradients(X, y)
        ws = self._predict(X)
        b = self.buffer
        layer_norms = [
            np.sqrt(np.sum(b.grad_view(w) ** 2) + np.sum(b.grad_view(bias) ** 2))
            for w, bias in (("conv_W", "conv_b"), ("Wo", "bo"))
        ]
        return {
            "filters": b["conv_W"].copy(),
            "feature_maps": np.maximum(ws.maps, 0.0),
            "pooled": ws.pooled.copy(),
            "outputs": self._outputs(ws),
            "grad_norm_per_layer": np.array(layer_norms),
        }

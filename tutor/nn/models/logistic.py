"""Logistic (or softmax) regression, optionally on hand-made features.

A linear classifier draws a straight boundary; adding x^2, y^2 and x*y as
extra inputs lets the same linear model draw circles and ellipses, which is
the point of the "feature engineering before deep learning" lesson.

It is an MLP without hidden layers on the expanded inputs, so it shares the
MLP kernels (one fused call per step) instead of repeating them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tutor.nn.base import DType, OptimizerConfig, ParamModel
from tutor.nn.models.mlp import MLP, MLPConfig

# Hand-made features of 2-D points (x, y) = (X[:, 0], X[:, 1]).
EXTRA_FEATURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x2": lambda X: X[:, 0] * X[:, 0],
    "y2": lambda X: X[:, 1] * X[:, 1],
    "xy": lambda X: X[:, 0] * X[:, 1],
}


@dataclass(frozen=True)
class LogisticRegressionConfig:
    """`n_inputs` raw inputs plus `extra_features` (subset of x2, y2, xy; 2-D inputs only).

    n_classes == 2: one sigmoid output and binary cross-entropy;
    n_classes > 2: softmax regression with cross-entropy.
    """

    n_inputs: int = 2
    extra_features: tuple[str, ...] = ()
    n_classes: int = 2
    init_scale: float = 0.0  # weights start at 0 (the loss is convex; any start works)
    optimizer: OptimizerConfig = field(default_factory=lambda: OptimizerConfig(lr=0.1))
    dtype: DType = "float32"

    def __post_init__(self) -> None:
        unknown = set(self.extra_features) - EXTRA_FEATURES.keys()
        if unknown:
            raise ValueError(
                f"unknown features {sorted(unknown)}; choose from {sorted(EXTRA_FEATURES)}"
            )
        if self.extra_features and self.n_inputs != 2:
            raise ValueError("hand-made features need 2-D inputs")
        if self.n_inputs < 1 or self.n_classes < 2:
            raise ValueError("need n_inputs >= 1 and n_classes >= 2")

    @property
    def n_features(self) -> int:
        return self.n_inputs + len(self.extra_features)


class LogisticRegression(ParamModel):
    """Parameters "W0" (n_features, 1 or C) and "b0"; features = inputs then extras in order."""

    def __init__(self, config: LogisticRegressionConfig, seed: int = 0) -> None:
        self.config = config
        binary = config.n_classes == 2
        self._net = MLP(
            MLPConfig(
                sizes=(config.n_features, 1 if binary else config.n_classes),
                activation="identity",  # unused: there is no hidden layer
                loss="bce" if binary else "cross_entropy",
                init_scale=config.init_scale,
                optimizer=config.optimizer,
                dtype=config.dtype,
            ),
            seed=seed,
        )
        self.buffer = self._net.buffer
        self.optimizer = self._net.optimizer

    def features(self, X: np.ndarray) -> np.ndarray:
        """(N, n_features): the raw inputs followed by the extra features."""
        X = np.asarray(X, dtype=self._net.dtype)
        if X.ndim != 2 or X.shape[1] != self.config.n_inputs:
            raise ValueError(f"X must be (N, {self.config.n_inputs}), got {X.shape}")
        if not self.config.extra_features:
            return X
        extras = [EXTRA_FEATURES[name](X)[:, None] for name in self.config.extra_features]
        return np.hstack([X, *extras])

    def loss_and_grads(
        self,
        X: np.ndarray,
        y: np.ndarray,
        train: bool = False,
        rng: np.random.Generator | None = None,
    ) -> tuple[float, dict[str, np.ndarray]]:
        return self._net.loss_and_grads(self.features(X), y, train, rng)

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        return self._net.step(self.features(X), y)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self._net.predict(self.features(X))

    def inspect(self, X: np.ndarray, y: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """ "features" (N, F), "outputs" = "probabilities", "logits" (N,) or (N, C)
        (signed distance-like score; 0 is the boundary), "grad_norm_per_layer" (1,),
        "weight_norm_per_layer" (1,)."""
        F = self.features(X)
        seen = self._net.inspect(F, y)
        W, b = self.buffer["W0"], self.buffer["b0"]
        logits = F @ W + b
        return {
            "features": F.copy(),
            "outputs": seen["outputs"],
            "probabilities": seen["outputs"],
            "logits": logits[:, 0].copy() if logits.shape[1] == 1 else logits,
            "grad_norm_per_layer": seen["grad_norm_per_layer"],
            "weight_norm_per_layer": seen["weight_norm_per_layer"],
        }

"""Models on hand-made features. A module of its own: importing it imports
the engine's models (and numba), which only the trainer's thread should do."""

from __future__ import annotations

import numpy as np

from tutor.nn.base import OptimizerConfig
from tutor.nn.models.logistic import LogisticRegression, LogisticRegressionConfig


class SquaredFeatures(LogisticRegression):
    """Logistic regression that sees only x^2 and y^2: weights (2, 1) and a
    bias, the 2 + 1 = 3 parameters of the simple-vs-deep slide."""

    def __init__(self, optimizer: OptimizerConfig, seed: int = 0) -> None:
        super().__init__(LogisticRegressionConfig(n_inputs=2, optimizer=optimizer), seed)

    def features(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float32)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"X must be (N, 2), got {X.shape}")
        return X * X

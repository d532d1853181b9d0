"""Tabular data from a known linear rule (the logistic-regression lessons)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from tutor.nn.datasets.dataset import FLOAT, Dataset, frozen, split


def tabular_linear(
    n: int = 400,
    n_features: int = 5,
    noise: float = 0.1,
    task: Literal["classification", "regression"] = "classification",
    seed: int = 0,
    val_fraction: float = 0.2,
) -> Dataset:
    """Standard-normal features, score = X w + b + noise with a known rule.

    classification: y = (score > 0), labels 0/1; regression: y = score (float32).
    info: "weights" (n_features,), "bias".
    """
    rng = np.random.default_rng(seed)
    weights = rng.standard_normal(n_features)
    bias = 0.5 * rng.standard_normal()
    X = rng.standard_normal((n, n_features))
    score = X @ weights + bias + noise * rng.standard_normal(n)
    if task == "classification":
        y, n_classes = (score > 0).astype(np.int64), 2
    elif task == "regression":
        y, n_classes = score.astype(FLOAT), 0
    else:
        raise ValueError(f"unknown task {task!r}")
    info = {"weights": frozen(weights), "bias": float(bias), "task": task}
    return split("tabular_linear", X.astype(FLOAT), y, rng, val_fraction, n_classes, info=info)

"""The `Dataset` every generator returns, and the helpers that build one:
shuffle, split into train and validation, freeze."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

FLOAT = np.float32


@dataclass(frozen=True)
class Dataset:
    """A train/validation split plus what a screen needs to describe it.

    n_classes: number of classes (0 for regression). input_shape: shape of one
    example. info: dataset-specific extras (documented per generator).
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    n_classes: int
    input_shape: tuple[int, ...]
    info: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n_train(self) -> int:
        return int(self.X_train.shape[0])

    @property
    def n_val(self) -> int:
        return int(self.X_val.shape[0])


def frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array


def split(
    name: str,
    X: np.ndarray,
    y: np.ndarray,
    rng: np.random.Generator,
    val_fraction: float,
    n_classes: int,
    info: Mapping[str, Any] | None = None,
    per_example: Mapping[str, np.ndarray] | None = None,
) -> Dataset:
    """Shuffle, split, freeze. `per_example` arrays are split alongside X into
    info[key + "_train"] and info[key + "_val"]."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError("val_fraction must be in (0, 1)")
    n = X.shape[0]
    n_val = min(max(1, round(n * val_fraction)), n - 1)
    order = rng.permutation(n)
    train, val = order[: n - n_val], order[n - n_val :]
    extras: dict[str, Any] = dict(info or {})
    for key, values in (per_example or {}).items():
        extras[f"{key}_train"] = frozen(values[train])
        extras[f"{key}_val"] = frozen(values[val])
    return Dataset(
        name=name,
        X_train=frozen(X[train]),
        y_train=frozen(y[train]),
        X_val=frozen(X[val]),
        y_val=frozen(y[val]),
        n_classes=n_classes,
        input_shape=tuple(X.shape[1:]),
        info=MappingProxyType(extras),
    )


def class_sizes(n: int, n_classes: int) -> np.ndarray:
    """n points spread over the classes as evenly as possible."""
    return np.full(n_classes, n // n_classes) + (np.arange(n_classes) < n % n_classes)

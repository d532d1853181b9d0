"""The data a `Trainer` works on: a dataset's train and validation splits as
contiguous arrays, and the shuffled mini-batches drawn from the training split."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

PROBE_SIZE = 64
"""Examples `model.inspect` sees by default (the first validation points)."""


class Dataset(Protocol):
    """What the trainer needs from a dataset: a train and a validation split
    (read-only, so frozen datasets qualify)."""

    @property
    def X_train(self) -> np.ndarray: ...
    @property
    def y_train(self) -> np.ndarray: ...
    @property
    def X_val(self) -> np.ndarray: ...
    @property
    def y_val(self) -> np.ndarray: ...


@dataclass(frozen=True)
class Splits:
    """A dataset's splits as C-contiguous arrays (the kernels' layout)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray

    @classmethod
    def of(cls, dataset: Dataset) -> Splits:
        splits = cls(
            np.ascontiguousarray(dataset.X_train),
            np.ascontiguousarray(dataset.y_train),
            np.ascontiguousarray(dataset.X_val),
            np.ascontiguousarray(dataset.y_val),
        )
        if len(splits.X_train) == 0:
            raise ValueError("the training split is empty")
        return splits

    def default_probe(self) -> np.ndarray:
        """The first validation points (training points if there is no validation split)."""
        source = self.X_val if len(self.X_val) else self.X_train
        return source[:PROBE_SIZE]


class MiniBatches:
    """`next()` returns the next `batch_size` examples of a shuffled pass
    (epoch) over (X, y); a new pass, freshly shuffled, starts when the current
    one has too few examples left. A batch size >= len(X) means full batch.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int, seed: int) -> None:
        self.X = X
        self.y = y
        self.batch_size = batch_size
        self.restart(seed)

    def restart(self, seed: int) -> None:
        """Forget the current pass; the order of later passes is drawn from `seed`."""
        self._rng = np.random.default_rng(seed)
        self._order = np.zeros(0, dtype=np.int64)  # shuffled indices of the current pass
        self._cursor = 0

    def next(self) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.X)
        if self.batch_size >= n:
            return self.X, self.y
        if self._cursor + self.batch_size > n or len(self._order) != n:
            self._order = self._rng.permutation(n)
            self._cursor = 0
        index = self._order[self._cursor : self._cursor + self.batch_size]
        self._cursor += self.batch_size
        return self.X[index], self.y[index]

"""Toy datasets for the lessons: pure numpy, deterministic by seed.

Every generator returns a frozen `Dataset` with a train/validation split
(validation = the last `val_fraction` of a shuffled sample). Inputs are
float32 (the engine's training dtype); class labels are int64; arrays are
read-only so a dataset can be shared between threads.

2-D points (inputs roughly in [-1.5, 1.5]^2):
    spiral, moons, circles, xor, blobs
Tables:
    tabular_linear   labels/targets from a known linear rule (info["weights"])
Images (N, 1, size, size), classes bar / cross / corner at any offset:
    shapes           render_shape() draws one shape at one offset (those three and
                     MORE_SHAPE_KINDS)
Token sequences (N, T) int64:
    lag_sequences    label = the token `lag` steps before the end
    attention_task   per-position labels and the attention pattern that solves
                     them (info["attention_train"], (N, T, T) rows summing to 1):
                     "previous" (copy the previous token) or "match" (read the
                     payload of the other position carrying the same symbol)

This package must not import numba (the menu lists datasets before any model
is built).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tutor.nn.datasets.dataset import FLOAT, Dataset
from tutor.nn.datasets.images import (
    MORE_SHAPE_KINDS,
    SHAPE_KINDS,
    max_offset,
    render_shape,
    shapes,
)
from tutor.nn.datasets.points import blobs, circles, moons, spiral, xor
from tutor.nn.datasets.sequences import AttentionKind, attention_task, lag_sequences
from tutor.nn.datasets.tables import tabular_linear

__all__ = [
    "DATASETS",
    "FLOAT",
    "MORE_SHAPE_KINDS",
    "SHAPE_KINDS",
    "AttentionKind",
    "Dataset",
    "attention_task",
    "blobs",
    "circles",
    "lag_sequences",
    "make_dataset",
    "max_offset",
    "moons",
    "render_shape",
    "shapes",
    "spiral",
    "tabular_linear",
    "xor",
]

DATASETS: dict[str, Callable[..., Dataset]] = {
    "spiral": spiral,
    "moons": moons,
    "circles": circles,
    "xor": xor,
    "blobs": blobs,
    "tabular_linear": tabular_linear,
    "shapes": shapes,
    "lag_sequences": lag_sequences,
    "attention_previous": lambda **kw: attention_task("previous", **kw),
    "attention_match": lambda **kw: attention_task("match", **kw),
}


def make_dataset(name: str, **kwargs: Any) -> Dataset:
    """Build a dataset by registry name (see DATASETS) with keyword options."""
    try:
        build = DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; one of {sorted(DATASETS)}") from None
    return build(**kwargs)

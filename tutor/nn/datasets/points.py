"""2-D point clouds for the decision-boundary lessons (inputs roughly in
[-1.5, 1.5]^2): spiral, moons, circles, xor, blobs."""

from __future__ import annotations

import numpy as np

from tutor.nn.datasets.dataset import FLOAT, Dataset, class_sizes, frozen, split


def _two_noisy_classes(
    name: str,
    X: np.ndarray,
    n0: int,
    noise: float,
    rng: np.random.Generator,
    val_fraction: float,
) -> Dataset:
    """Class 0 = the first n0 points of X, class 1 = the rest, each point
    moved by Gaussian noise of standard deviation `noise`."""
    X = (X + noise * rng.standard_normal(X.shape)).astype(FLOAT)
    y = (np.arange(len(X)) >= n0).astype(np.int64)
    return split(name, X, y, rng, val_fraction, 2)


def spiral(
    n: int = 300,
    n_classes: int = 3,
    noise: float = 0.2,
    turns: float = 1.0,
    seed: int = 0,
    val_fraction: float = 0.2,
) -> Dataset:
    """Interleaved spiral arms, one per class (radius 0 to 1, `turns` windings)."""
    rng = np.random.default_rng(seed)
    X_parts, y_parts = [], []
    for label, count in enumerate(class_sizes(n, n_classes)):
        radius = np.linspace(0.05, 1.0, count)
        angle = 2 * np.pi * (label / n_classes + turns * radius) + noise * rng.standard_normal(
            count
        )
        X_parts.append(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
        y_parts.append(np.full(count, label))
    X = np.concatenate(X_parts).astype(FLOAT)
    y = np.concatenate(y_parts).astype(np.int64)
    return split("spiral", X, y, rng, val_fraction, n_classes)


def moons(n: int = 300, noise: float = 0.1, seed: int = 0, val_fraction: float = 0.2) -> Dataset:
    """Two interleaving half circles (class 0 upper, class 1 lower), centred."""
    rng = np.random.default_rng(seed)
    n0, n1 = class_sizes(n, 2)
    t0 = rng.uniform(0.0, np.pi, n0)
    t1 = rng.uniform(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.concatenate([upper, lower]) - np.array([0.5, 0.25])
    return _two_noisy_classes("moons", X, n0, noise, rng, val_fraction)


def circles(
    n: int = 300,
    noise: float = 0.08,
    factor: float = 0.5,
    seed: int = 0,
    val_fraction: float = 0.2,
) -> Dataset:
    """A ring of radius 1 (class 0) around a ring of radius `factor` (class 1)."""
    rng = np.random.default_rng(seed)
    n0, n1 = class_sizes(n, 2)
    angle = rng.uniform(0.0, 2 * np.pi, n0 + n1)
    radius = np.concatenate([np.ones(n0), np.full(n1, factor)])
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _two_noisy_classes("circles", X, n0, noise, rng, val_fraction)


def xor(n: int = 300, noise: float = 0.15, seed: int = 0, val_fraction: float = 0.2) -> Dataset:
    """Four clusters at (+-0.6, +-0.6); label 1 where x and y differ in sign."""
    rng = np.random.default_rng(seed)
    corners = np.array([[0.6, 0.6], [-0.6, -0.6], [0.6, -0.6], [-0.6, 0.6]])
    which = np.repeat(np.arange(4), class_sizes(n, 4))
    X = (corners[which] + noise * rng.standard_normal((n, 2))).astype(FLOAT)
    y = (which >= 2).astype(np.int64)
    return split("xor", X, y, rng, val_fraction, 2)


def blobs(
    n: int = 300,
    n_classes: int = 3,
    spread: float = 0.25,
    seed: int = 0,
    val_fraction: float = 0.2,
) -> Dataset:
    """Gaussian clusters with centres evenly spaced on the unit circle."""
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(n_classes) / n_classes + np.pi / 2
    centres = np.column_stack([np.cos(angles), np.sin(angles)])
    which = np.repeat(np.arange(n_classes), class_sizes(n, n_classes))
    X = (centres[which] + spread * rng.standard_normal((n, 2))).astype(FLOAT)
    return split(
        "blobs",
        X,
        which.astype(np.int64),
        rng,
        val_fraction,
        n_classes,
        info={"centres": frozen(centres)},
    )

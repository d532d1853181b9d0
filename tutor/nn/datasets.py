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
    shapes           render_shape() draws one shape at one offset
Token sequences (N, T) int64:
    lag_sequences    label = the token `lag` steps before the end
    attention_task   per-position labels and the attention pattern that solves
                     them (info["attention_train"], (N, T, T) rows summing to 1):
                     "previous" (copy the previous token) or "match" (read the
                     payload of the other position carrying the same symbol)

This module must not import numba (the menu lists datasets before any model
is built).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

FLOAT = np.float32
SHAPE_KINDS: tuple[str, ...] = ("bar", "cross", "corner")


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


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array


def _split(
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
        extras[f"{key}_train"] = _frozen(values[train])
        extras[f"{key}_val"] = _frozen(values[val])
    return Dataset(
        name=name,
        X_train=_frozen(X[train]),
        y_train=_frozen(y[train]),
        X_val=_frozen(X[val]),
        y_val=_frozen(y[val]),
        n_classes=n_classes,
        input_shape=tuple(X.shape[1:]),
        info=MappingProxyType(extras),
    )


def _class_sizes(n: int, n_classes: int) -> np.ndarray:
    """n points spread over the classes as evenly as possible."""
    return np.full(n_classes, n // n_classes) + (np.arange(n_classes) < n % n_classes)


# --------------------------------------------------------------------------
# 2-D points
# --------------------------------------------------------------------------


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
    for label, count in enumerate(_class_sizes(n, n_classes)):
        radius = np.linspace(0.05, 1.0, count)
        angle = 2 * np.pi * (label / n_classes + turns * radius) + noise * rng.standard_normal(
            count
        )
        X_parts.append(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))
        y_parts.append(np.full(count, label))
    X = np.concatenate(X_parts).astype(FLOAT)
    y = np.concatenate(y_parts).astype(np.int64)
    return _split("spiral", X, y, rng, val_fraction, n_classes)


def moons(n: int = 300, noise: float = 0.1, seed: int = 0, val_fraction: float = 0.2) -> Dataset:
    """Two interleaving half circles (class 0 upper, class 1 lower), centred."""
    rng = np.random.default_rng(seed)
    n0, n1 = _class_sizes(n, 2)
    t0 = rng.uniform(0.0, np.pi, n0)
    t1 = rng.uniform(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.concatenate([upper, lower]) - np.array([0.5, 0.25])
    X = (X + noise * rng.standard_normal(X.shape)).astype(FLOAT)
    y = np.concatenate([np.zeros(n0), np.ones(n1)]).astype(np.int64)
    return _split("moons", X, y, rng, val_fraction, 2)


def circles(
    n: int = 300,
    noise: float = 0.08,
    factor: float = 0.5,
    seed: int = 0,
    val_fraction: float = 0.2,
) -> Dataset:
    """A ring of radius 1 (class 0) around a ring of radius `factor` (class 1)."""
    rng = np.random.default_rng(seed)
    n0, n1 = _class_sizes(n, 2)
    angle = rng.uniform(0.0, 2 * np.pi, n0 + n1)
    radius = np.concatenate([np.ones(n0), np.full(n1, factor)])
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X = (X + noise * rng.standard_normal(X.shape)).astype(FLOAT)
    y = np.concatenate([np.zeros(n0), np.ones(n1)]).astype(np.int64)
    return _split("circles", X, y, rng, val_fraction, 2)


def xor(n: int = 300, noise: float = 0.15, seed: int = 0, val_fraction: float = 0.2) -> Dataset:
    """Four clusters at (+-0.6, +-0.6); label 1 where x and y differ in sign."""
    rng = np.random.default_rng(seed)
    corners = np.array([[0.6, 0.6], [-0.6, -0.6], [0.6, -0.6], [-0.6, 0.6]])
    which = np.repeat(np.arange(4), _class_sizes(n, 4))
    X = (corners[which] + noise * rng.standard_normal((n, 2))).astype(FLOAT)
    y = (which >= 2).astype(np.int64)
    return _split("xor", X, y, rng, val_fraction, 2)


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
    which = np.repeat(np.arange(n_classes), _class_sizes(n, n_classes))
    X = (centres[which] + spread * rng.standard_normal((n, 2))).astype(FLOAT)
    return _split(
        "blobs",
        X,
        which.astype(np.int64),
        rng,
        val_fraction,
        n_classes,
        info={"centres": _frozen(centres)},
    )


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------


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
    info = {"weights": _frozen(weights), "bias": float(bias), "task": task}
    return _split("tabular_linear", X.astype(FLOAT), y, rng, val_fraction, n_classes, info=info)


# --------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------


def _shape_template(kind: str, extent: int) -> np.ndarray:
    """(extent, extent) 0/1 pattern of one shape."""
    patch = np.zeros((extent, extent), dtype=FLOAT)
    mid = extent // 2
    if kind == "bar":  # vertical bar through the middle
        patch[:, mid] = 1.0
    elif kind == "cross":  # plus sign
        patch[:, mid] = 1.0
        patch[mid, :] = 1.0
    elif kind == "corner":  # L: left edge and bottom edge
        patch[:, 0] = 1.0
        patch[-1, :] = 1.0
    else:
        raise ValueError(f"unknown shape {kind!r}; one of {SHAPE_KINDS}")
    return patch


def render_shape(
    kind: str, size: int = 8, offset: tuple[int, int] = (0, 0), extent: int = 5
) -> np.ndarray:
    """(size, size) image of `kind` shifted by offset = (down, right) pixels from centre.

    Any offset is allowed: parts that leave the frame are cut off.
    """
    image = np.zeros((size, size), dtype=FLOAT)
    top = (size - extent) // 2 + offset[0]
    left = (size - extent) // 2 + offset[1]
    patch = _shape_template(kind, extent)
    r0, r1 = max(top, 0), min(top + extent, size)
    c0, c1 = max(left, 0), min(left + extent, size)
    if r0 < r1 and c0 < c1:
        image[r0:r1, c0:c1] = patch[r0 - top : r1 - top, c0 - left : c1 - left]
    return image


def max_offset(size: int = 8, extent: int = 5) -> int:
    """Largest |offset| per axis that keeps the whole shape inside the image."""
    return (size - extent) // 2


def _noisy_images(
    labels: np.ndarray,
    offsets: np.ndarray,
    size: int,
    extent: int,
    noise: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """(N, 1, size, size) renders of SHAPE_KINDS[labels] at `offsets` plus pixel noise."""
    images = np.stack(
        [
            render_shape(SHAPE_KINDS[label], size, (int(dy), int(dx)), extent)
            for label, (dy, dx) in zip(labels, offsets)
        ]
    )
    return (images + noise * rng.standard_normal(images.shape)).astype(FLOAT)[:, None]


def shapes(
    n: int = 600,
    size: int = 8,
    extent: int = 5,
    shift: int | None = None,
    noise: float = 0.1,
    seed: int = 0,
    val_fraction: float = 0.2,
    val_shift: int | None = None,
) -> Dataset:
    """Images (N, 1, size, size) of a bar, cross or corner (labels 0, 1, 2) at a
    random offset in [-shift, shift]^2 (default: anywhere fully inside), plus
    Gaussian pixel noise.

    `val_shift` (if given) redraws the validation images at offsets in
    [-val_shift, val_shift]^2: e.g. shift=0, val_shift=2 trains on centred
    shapes and tests on shifted ones (the translation-invariance lesson).
    info: "offsets_train"/"offsets_val" (N, 2), "kinds" = SHAPE_KINDS, "size".
    """
    if shift is None:
        shift = max_offset(size, extent)
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(SHAPE_KINDS)), _class_sizes(n, len(SHAPE_KINDS)))
    offsets = rng.integers(-shift, shift + 1, size=(n, 2))
    X = _noisy_images(labels, offsets, size, extent, noise, rng)
    data = _split(
        "shapes",
        X,
        labels.astype(np.int64),
        rng,
        val_fraction,
        len(SHAPE_KINDS),
        info={"kinds": SHAPE_KINDS, "size": size},
        per_example={"offsets": offsets},
    )
    if val_shift is None:
        return data
    val_offsets = rng.integers(-val_shift, val_shift + 1, size=(data.n_val, 2))
    X_val = _noisy_images(np.asarray(data.y_val), val_offsets, size, extent, noise, rng)
    info = {**data.info, "offsets_val": _frozen(val_offsets)}
    return replace(data, X_val=_frozen(X_val), info=MappingProxyType(info))


# --------------------------------------------------------------------------
# Sequences
# --------------------------------------------------------------------------


def lag_sequences(
    n: int = 1000,
    seq_len: int = 10,
    vocab_size: int = 4,
    lag: int = 3,
    label_noise: float = 0.0,
    seed: int = 0,
    val_fraction: float = 0.2,
) -> Dataset:
    """Random token sequences (N, seq_len); the label is the token `lag` steps
    before the last one, i.e. X[:, seq_len - 1 - lag]. A model must carry that
    token through `lag` more steps of input: longer lags need gated memory.

    label_noise: share of labels replaced by a random token.
    info: "vocab_size", "seq_len", "lag", "source_position".
    """
    if not 0 <= lag < seq_len:
        raise ValueError("need 0 <= lag < seq_len")
    rng = np.random.default_rng(seed)
    X = rng.integers(0, vocab_size, size=(n, seq_len)).astype(np.int64)
    source = seq_len - 1 - lag
    y = X[:, source].copy()
    noisy = rng.random(n) < label_noise
    y[noisy] = rng.integers(0, vocab_size, size=int(noisy.sum()))
    info = {"vocab_size": vocab_size, "seq_len": seq_len, "lag": lag, "source_position": source}
    return _split("lag_sequences", X, y, rng, val_fraction, vocab_size, info=info)


AttentionKind = Literal["previous", "match"]


def attention_task(
    kind: AttentionKind = "previous",
    n: int = 1000,
    seq_len: int = 10,
    vocab_size: int = 8,
    n_payloads: int = 2,
    seed: int = 0,
    val_fraction: float = 0.2,
) -> Dataset:
    """Token sequences X (N, T) with a label per position y (N, T) that can only
    be produced by looking at ONE other position: info["attention_train"] /
    ["attention_val"] (N, T, T) hold that pattern (row t: where position t must look).

    "previous": y[t] = X[t - 1] (position 0 looks at itself: y[0] = X[0]);
        n_classes = vocab_size.
    "match": T/2 symbols each appear twice; token = symbol * n_payloads + payload.
        y[t] = payload of the OTHER position with the same symbol, so a position
        must find its partner. vocab = (T/2) * n_payloads, n_classes = n_payloads
        (vocab_size is ignored).
    info: "kind", "vocab_size", "seq_len".
    """
    rng = np.random.default_rng(seed)
    T = seq_len
    rows = np.arange(n)[:, None]
    if kind == "previous":
        X = rng.integers(0, vocab_size, size=(n, T)).astype(np.int64)
        source = np.maximum(np.arange(T) - 1, 0)[None, :].repeat(n, axis=0)  # (N, T)
        n_classes, vocab = vocab_size, vocab_size
    elif kind == "match":
        if T % 2:
            raise ValueError("'match' needs an even seq_len")
        n_symbols = T // 2
        symbols = np.argsort(rng.random((n, T)), axis=1) % n_symbols  # each symbol twice
        payloads = rng.integers(0, n_payloads, size=(n, T))
        X = (symbols * n_payloads + payloads).astype(np.int64)
        # the partner of t is the other position holding symbols[t]
        same = symbols[:, :, None] == symbols[:, None, :]  # (N, T, T)
        same &= ~np.eye(T, dtype=bool)[None]
        source = same.argmax(axis=2)  # (N, T)
        n_classes, vocab = n_payloads, n_symbols * n_payloads
    else:
        raise ValueError(f"unknown attention task {kind!r}")
    y = X[rows, source] if kind == "previous" else (X % n_payloads)[rows, source]
    pattern = np.zeros((n, T, T), dtype=FLOAT)
    pattern[rows, np.arange(T)[None, :], source] = 1.0
    info = {"kind": kind, "vocab_size": vocab, "seq_len": T}
    return _split(
        f"attention_{kind}",
        X,
        y.astype(np.int64),
        rng,
        val_fraction,
        n_classes,
        info=info,
        per_example={"attention": pattern},
    )


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

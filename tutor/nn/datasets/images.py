"""Small images of a bar, a cross or a corner at any offset (the CNN lessons)."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import numpy as np

from tutor.nn.datasets.dataset import FLOAT, Dataset, class_sizes, frozen, split

SHAPE_KINDS: tuple[str, ...] = ("bar", "cross", "corner")
"""The classes of `shapes`."""
MORE_SHAPE_KINDS: tuple[str, ...] = ("dash", "box", "slash", "tee", "ex", "hook")
"""More shapes `render_shape` draws, for lessons that need other classes
(transfer learning: pretrain on some, learn others from few examples)."""


def _shape_template(kind: str, extent: int) -> np.ndarray:
    """(extent, extent) 0/1 pattern of one shape."""
    patch = np.zeros((extent, extent), dtype=FLOAT)
    mid, last, steps = extent // 2, extent - 1, np.arange(extent)
    if kind == "bar":  # vertical bar through the middle
        patch[:, mid] = 1.0
    elif kind == "cross":  # plus sign
        patch[:, mid] = 1.0
        patch[mid, :] = 1.0
    elif kind == "corner":  # L: left edge and bottom edge
        patch[:, 0] = 1.0
        patch[-1, :] = 1.0
    elif kind == "dash":  # horizontal bar through the middle
        patch[mid, :] = 1.0
    elif kind == "box":  # square outline
        patch[[0, -1], :] = 1.0
        patch[:, [0, -1]] = 1.0
    elif kind == "slash":  # diagonal from bottom left to top right
        patch[steps, last - steps] = 1.0
    elif kind == "tee":  # T: top edge and the middle column
        patch[0, :] = 1.0
        patch[:, mid] = 1.0
    elif kind == "ex":  # both diagonals
        patch[steps, steps] = 1.0
        patch[steps, last - steps] = 1.0
    elif kind == "hook":  # top edge and right edge
        patch[0, :] = 1.0
        patch[:, -1] = 1.0
    else:
        raise ValueError(f"unknown shape {kind!r}; one of {SHAPE_KINDS + MORE_SHAPE_KINDS}")
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
            for label, (dy, dx) in zip(labels, offsets, strict=True)
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
    labels = np.repeat(np.arange(len(SHAPE_KINDS)), class_sizes(n, len(SHAPE_KINDS)))
    offsets = rng.integers(-shift, shift + 1, size=(n, 2))
    X = _noisy_images(labels, offsets, size, extent, noise, rng)
    data = split(
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
    info = {**data.info, "offsets_val": frozen(val_offsets)}
    return replace(data, X_val=frozen(X_val), info=MappingProxyType(info))

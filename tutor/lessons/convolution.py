"""convolution: a kernel slides over a picture, then a tiny CNN learns its own.

mode "slide" (slide "convolution"): a 3x3 kernel visits every position of a
small picture in reading order; at each one the nine numbers under it are
multiplied by the kernel's and summed into one cell of the feature map
(`windows`). Then 2x2 max pooling keeps the largest value of each block
(`pool_blocks`). Pure numpy: this mode never waits for the engine.

mode "train" (slide "pooling"): a TinyCNN and a small MLP learn to tell a
bar, a cross and a corner apart in 12x12 noisy images. Both see the shapes
only at the 16 offsets of a grid with step 2 and are tested at the 33
offsets in between, which neither has seen. Measured with `measure`
(8 filters, MLP 144-5-3 with a similar parameter count, 300 steps, seeds
0-4): the CNN scores 0.94 to 0.99 on the unseen offsets, the MLP 0.29 to
0.38, about chance, although it gets 1.0 on the offsets it was trained
on. Its pixels at the unseen offsets were never lit in training; the CNN's
filters are the same at every position.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from tutor.lessons.runs import ModelFactory, RunSpec, param_int, param_str, simulate
from tutor.nn.base import Model, OptimizerConfig
from tutor.nn.datasets import SHAPE_KINDS, Dataset, render_shape
from tutor.nn.datasets.dataset import FLOAT, frozen

if TYPE_CHECKING:
    from tutor.nn.models.cnn import TinyCNNConfig
    from tutor.nn.models.mlp import MLPConfig

# Model modules import numba: they are imported where a model is built (in a
# trainer's thread), so opening the demo never loads the engine on the UI thread.

Mode = Literal["slide", "train"]
MODES: tuple[Mode, ...] = ("slide", "train")

KERNELS: dict[str, np.ndarray] = {
    "vertical-edge": np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], dtype=np.float64),
    "horizontal-edge": np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]], dtype=np.float64),
    "blur": np.full((3, 3), 1.0 / 9.0),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float64),
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float64),
}
"""The kernels a key cycles through, by name (cross-correlation, not flipped)."""

PICTURE_SIZES = range(5, 13)
POOL = 2


@dataclass(frozen=True)
class Settings:
    mode: Mode = "slide"
    kernel: str = "vertical-edge"
    image: int = 5
    """Side of the picture in "slide" mode."""

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Settings:
        mode = param_str(params, "mode", cls.mode)
        kernel = param_str(params, "kernel", cls.kernel)
        image = param_int(params, "image", cls.image)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {', '.join(KERNELS)}, not {kernel!r}")
        if image not in PICTURE_SIZES:
            raise ValueError(f"image must be {PICTURE_SIZES[0]} to {PICTURE_SIZES[-1]}")
        return cls(mode=mode, kernel=kernel, image=image)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# mode "slide": the computation, one window at a time
# --------------------------------------------------------------------------


def picture(size: int) -> np.ndarray:
    """(size, size) dark picture with a bright block on the right: a vertical
    edge, and from size 6 on a horizontal one above the block. At size 5 it
    is the slide's picture (three dark columns, two bright)."""
    image = np.zeros((size, size))
    image[max(size // 2 - 2, 0):, size // 2 + 1:] = 1.0
    return image


@dataclass(frozen=True)
class Window:
    """The kernel at one position: what the learner sees at one step."""

    row: int
    col: int
    """Top-left corner in the picture = the feature-map cell it fills."""
    patch: np.ndarray
    """(K, K) the numbers under the kernel."""
    products: np.ndarray
    """(K, K) patch * kernel, element by element."""
    value: float
    """Their sum: the feature-map cell."""


def feature_map(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """'valid' cross-correlation, stride 1: (H - K + 1, W - K + 1)."""
    views = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", views, kernel)


def windows(image: np.ndarray, kernel: np.ndarray) -> list[Window]:
    """Every position of the kernel in reading order, with its arithmetic."""
    K = kernel.shape[0]
    rows, cols = image.shape[0] - K + 1, image.shape[1] - K + 1
    steps = []
    for r in range(rows):
        for c in range(cols):
            patch = image[r : r + K, c : c + K].copy()
            products = patch * kernel
            steps.append(Window(r, c, patch, products, float(products.sum())))
    return steps


@dataclass(frozen=True)
class PoolBlock:
    """One block of max pooling: rows [top, bottom) x cols [left, right) of
    the feature map, its largest value and where that sits."""

    top: int
    left: int
    bottom: int
    right: int
    value: float
    winner: tuple[int, int]


def pool_blocks(fmap: np.ndarray, size: int = POOL) -> list[PoolBlock]:
    """size x size max pooling with stride `size`, in reading order. A map
    whose side is not a multiple of `size` keeps its last row and column
    as smaller blocks (PyTorch's ceil_mode), so a 3x3 map pools to 2x2."""
    blocks = []
    for top in range(0, fmap.shape[0], size):
        for left in range(0, fmap.shape[1], size):
            block = fmap[top : top + size, left : left + size]
            r, c = np.unravel_index(int(np.argmax(block)), block.shape)
            blocks.append(PoolBlock(top, left, top + block.shape[0], left + block.shape[1],
                                    float(block[r, c]), (top + int(r), left + int(c))))
    return blocks


def pooled(fmap: np.ndarray, size: int = POOL) -> np.ndarray:
    """The pooled map: `pool_blocks` values in their grid."""
    rows, cols = -(-fmap.shape[0] // size), -(-fmap.shape[1] // size)
    return np.array([block.value for block in pool_blocks(fmap, size)]).reshape(rows, cols)


# --------------------------------------------------------------------------
# mode "train": shapes at offsets never seen in training
# --------------------------------------------------------------------------

IMAGE = 12
EXTENT = 5
REACH = (IMAGE - EXTENT) // 2
"""Largest offset from the centre, per axis, that keeps a shape inside."""
NOISE = 0.1
FILTERS = 8
MLP_HIDDEN = 5
"""Hidden units of the MLP: 743 parameters against the CNN's 683."""


def offsets(seen: bool) -> list[tuple[int, int]]:
    """(down, right) offsets: `seen` ones on a grid with step 2 (the 16 of
    {-3, -1, 1, 3}^2), the others the 33 in between."""
    every = [(dy, dx) for dy in range(-REACH, REACH + 1) for dx in range(-REACH, REACH + 1)]
    on_grid = [(dy, dx) for dy, dx in every if (dy - REACH) % 2 == 0 and (dx - REACH) % 2 == 0]
    return on_grid if seen else [o for o in every if o not in on_grid]


def _images(n: int, where: list[tuple[int, int]], rng: np.random.Generator
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    labels = np.arange(n) % len(SHAPE_KINDS)
    rng.shuffle(labels)
    chosen = np.array(where)[rng.integers(0, len(where), n)]
    X = np.stack([render_shape(SHAPE_KINDS[label], IMAGE, (int(dy), int(dx)), EXTENT)
                  for label, (dy, dx) in zip(labels, chosen, strict=True)])
    X = (X + NOISE * rng.standard_normal(X.shape)).astype(FLOAT)[:, None]
    return X, labels.astype(np.int64), chosen


def shifted_shapes(n_train: int = 600, n_test: int = 600, seed: int = 0) -> Dataset:
    """Images (N, 1, 12, 12): training shapes at the seen offsets, validation
    shapes at the unseen ones. info: "offsets_train"/"offsets_val" (N, 2), "kinds"."""
    rng = np.random.default_rng(seed)
    X_train, y_train, at_train = _images(n_train, offsets(seen=True), rng)
    X_val, y_val, at_val = _images(n_test, offsets(seen=False), rng)
    info = {"kinds": SHAPE_KINDS, "offsets_train": frozen(at_train), "offsets_val": frozen(at_val)}
    return Dataset("shifted_shapes", frozen(X_train), frozen(y_train), frozen(X_val),
                   frozen(y_val), len(SHAPE_KINDS), (1, IMAGE, IMAGE), info)


def flattened(data: Dataset) -> Dataset:
    """The same images as rows of pixels, for the MLP."""
    return Dataset(data.name, frozen(data.X_train.reshape(data.n_train, -1)), data.y_train,
                   frozen(data.X_val.reshape(data.n_val, -1)), data.y_val, data.n_classes,
                   (IMAGE * IMAGE,), data.info)


def cnn_config() -> TinyCNNConfig:
    from tutor.nn.models.cnn import TinyCNNConfig

    return TinyCNNConfig(image_size=IMAGE, n_filters=FILTERS, kernel_size=KERNEL,
                         n_classes=len(SHAPE_KINDS),
                         optimizer=OptimizerConfig("adam", lr=0.01))


def mlp_config() -> MLPConfig:
    from tutor.nn.models.mlp import MLPConfig

    return MLPConfig(sizes=(IMAGE * IMAGE, MLP_HIDDEN, len(SHAPE_KINDS)), activation="relu",
                     loss="cross_entropy", optimizer=OptimizerConfig("adam", lr=0.01))


def build_cnn(seed: int) -> Model:
    from tutor.nn.models.cnn import TinyCNN

    return TinyCNN(cnn_config(), seed=seed)


def build_mlp(seed: int) -> Model:
    from tutor.nn.models.mlp import MLP

    return MLP(mlp_config(), seed=seed)


KERNEL = 3


def conv_layer_params() -> int:
    """Weights of the CNN's convolution layer: FILTERS kernels of 3x3 plus biases."""
    return FILTERS * (KERNEL * KERNEL + 1)


def dense_layer_params() -> int:
    """Weights of a dense layer that maps the same image to as many outputs
    as the convolution layer produces (FILTERS maps of 10x10)."""
    outputs = FILTERS * (IMAGE - KERNEL + 1) ** 2
    return (IMAGE * IMAGE + 1) * outputs


STEPS = 300
BATCH = 32


def race(seed: int = 0) -> tuple[RunSpec, RunSpec]:
    """(CNN, MLP), trained on the same images."""
    data = shifted_shapes(seed=seed)
    factories: tuple[tuple[str, ModelFactory, Dataset, tuple[str, ...]], ...] = (
        ("CNN", build_cnn, data, ("cnn",)),
        ("MLP", build_mlp, flattened(data), ("mlp",)),
    )
    return tuple(  # type: ignore[return-value]
        RunSpec(name=name, build=build, dataset=dataset, batch_size=BATCH, max_steps=STEPS,
                steps_per_chunk=5, eval_every=20, kernels=kernels)
        for name, build, dataset, kernels in factories)


@dataclass(frozen=True)
class Outcome:
    name: str
    n_params: int
    seen: float
    """Accuracy on the training images (the seen offsets)."""
    unseen: float
    """Accuracy on the validation images (offsets never seen)."""


def measure(seed: int) -> tuple[Outcome, Outcome]:
    """Train both headless for the budget: (CNN, MLP)."""
    results = []
    for spec in race(seed):
        snapshot = simulate(spec, seed)
        n_params = sum(int(np.size(v)) for v in snapshot.params.values())
        results.append(Outcome(spec.name, n_params, snapshot.train_accuracy,
                               snapshot.val_accuracy))
    return results[0], results[1]

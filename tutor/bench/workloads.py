"""The benchmark workloads: an engine model, its numpy twin with the same
weights, the batch both train on, and the target the engine must meet."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.bench import reference

PEAK_SHARE_TARGET = 0.5
"""mlp-deep: share of the single-core float64 matmul rate the engine must reach."""


@dataclass
class Setup:
    """A workload ready to time: an engine model and its numpy twin, with
    identical weights, and the batch both train on."""

    engine: Any
    reference: Any
    X: np.ndarray
    y: np.ndarray
    flops_per_step: float | None = None  # forward + backward, where it is the target


@dataclass(frozen=True)
class Workload:
    name: str
    summary: str
    module: str
    """The engine module, imported first (its import time is reported apart)."""
    build: Callable[[int], Setup]
    """seed -> Setup; raises ImportError while the engine model does not exist."""
    min_speedup: float | None = None
    min_peak_share: float | None = None

    @property
    def target_text(self) -> str:
        if self.min_speedup is not None:
            return f">= {self.min_speedup:g}x numpy"
        if self.min_peak_share is not None:
            return f">= {self.min_peak_share:.0%} of peak"
        return ""


def _share_weights(engine: Any, twin: Any) -> None:
    """Start the twin from the engine's weights (same names, same dtype)."""
    twin.params = {name: value.copy() for name, value in engine.params.items()}


def mlp_flops(sizes: Sequence[int], n: int) -> float:
    """Forward 2*N*in*out per layer, backward twice that (dW and dX)."""
    return 6.0 * n * sum(a * b for a, b in itertools.pairwise(sizes))


def _mlp_setup(
    sizes: tuple[int, ...], activation: str, loss: str, n: int, seed: int, count_flops: bool = False
) -> Setup:
    from tutor.nn.base import OptimizerConfig
    from tutor.nn.models.mlp import MLP, MLPConfig

    config = MLPConfig(
        sizes=sizes, activation=activation, loss=loss, optimizer=OptimizerConfig("adam", lr=1e-3)
    )
    engine = MLP(config, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, sizes[0])).astype(engine.dtype)
    n_classes = 2 if loss == "bce" else sizes[-1]
    y = rng.integers(0, n_classes, size=n)
    twin = reference.MLPReference(sizes, activation, loss, lr=1e-3, dtype=engine.dtype, seed=seed)
    _share_weights(engine, twin)
    flops = mlp_flops(sizes, n) if count_flops else None
    return Setup(engine, twin, X, y, flops)


def _cnn_setup(seed: int) -> Setup:
    from tutor.nn.base import OptimizerConfig
    from tutor.nn.models.cnn import TinyCNN, TinyCNNConfig

    size, filters, kernel, classes, batch = 8, 4, 3, 3, 64
    config = TinyCNNConfig(
        image_size=size, in_channels=1, n_filters=filters, kernel_size=kernel, padding="valid",
        n_classes=classes, optimizer=OptimizerConfig("adam", lr=1e-3),
    )
    engine = TinyCNN(config, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, 1, size, size)).astype(engine.dtype)
    y = rng.integers(0, classes, size=batch)
    twin = reference.CNNReference(size, 1, filters, kernel, classes, lr=1e-3, dtype=engine.dtype,
                                  seed=seed)
    _share_weights(engine, twin)
    return Setup(engine, twin, X, y)


def _gru_setup(seed: int) -> Setup:
    from tutor.nn.base import OptimizerConfig
    from tutor.nn.models.sequence import SequenceClassifier, SequenceClassifierConfig

    vocab, hidden, classes, length, batch = 4, 16, 4, 20, 64
    config = SequenceClassifierConfig(
        cell="gru", n_inputs=vocab, hidden=hidden, n_classes=classes,
        optimizer=OptimizerConfig("adam", lr=1e-3),
    )
    engine = SequenceClassifier(config, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.integers(0, vocab, size=(batch, length))
    y = X[:, length - 4]  # the token 3 steps before the last, as in the lesson
    twin = reference.GRUReference(vocab, hidden, classes, lr=1e-3, dtype=engine.dtype, seed=seed)
    _share_weights(engine, twin)
    return Setup(engine, twin, X, y)


def _attention_setup(seed: int) -> Setup:
    from tutor.nn.base import OptimizerConfig
    from tutor.nn.models.attention import TinyAttention, TinyAttentionConfig

    vocab, length, d, batch = 8, 10, 16, 64
    config = TinyAttentionConfig(
        vocab_size=vocab, max_len=length, d_model=d, n_classes=vocab, positions="sinusoidal",
        target="per_position", optimizer=OptimizerConfig("adam", lr=1e-3),
    )
    engine = TinyAttention(config, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.integers(0, vocab, size=(batch, length))
    y = np.concatenate([X[:, :1], X[:, :-1]], axis=1)  # "copy the previous token"
    twin = reference.AttentionReference(vocab, length, d, vocab, lr=1e-3, dtype=engine.dtype,
                                        seed=seed)
    _share_weights(engine, twin)
    return Setup(engine, twin, X, y)


DEEP_SIZES = (2,) + (64,) * 8 + (3,)

WORKLOADS: tuple[Workload, ...] = (
    Workload(
        "mlp-small", "2-16-16-1 tanh, BCE, 256 points", "tutor.nn.models.mlp",
        lambda seed: _mlp_setup((2, 16, 16, 1), "tanh", "bce", 256, seed),
        min_speedup=2.0,
    ),
    Workload(
        "mlp-wide", "2-32-32-3 ReLU, softmax CE, 512 points", "tutor.nn.models.mlp",
        lambda seed: _mlp_setup((2, 32, 32, 3), "relu", "cross_entropy", 512, seed),
        min_speedup=2.0,
    ),
    Workload(
        "mlp-deep", "2-64x8-3 ReLU, softmax CE, 1000 points", "tutor.nn.models.mlp",
        lambda seed: _mlp_setup(DEEP_SIZES, "relu", "cross_entropy", 1000, seed, count_flops=True),
        min_peak_share=PEAK_SHARE_TARGET,
    ),
    Workload(
        "cnn", "8x8, 4 filters 3x3, pool, dense, batch 64", "tutor.nn.models.cnn",
        _cnn_setup, min_speedup=1.5,
    ),
    Workload(
        "gru", "T=20, one-hot vocab 4, hidden 16, batch 64", "tutor.nn.models.sequence",
        _gru_setup, min_speedup=1.5,
    ),
    Workload(
        "attention", "T=10, d=16, vocab 8, label per position, batch 64",
        "tutor.nn.models.attention", _attention_setup, min_speedup=1.5,
    ),
)

WORKLOAD_NAMES = ("mlp-small", "mlp-wide", "mlp-deep", "cnn", "gru", "attention")


def workload(name: str) -> Workload:
    for candidate in WORKLOADS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no workload {name!r} (known: {', '.join(WORKLOAD_NAMES)})")

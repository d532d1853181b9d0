"""Compile (or load from the disk cache) every kernel before a learner needs it.

`warm_up()` builds each model on a tiny batch and calls every method the app
uses (step, loss_and_grads, predict, accuracy, inspect), which makes numba
compile each kernel for the dtype the app trains in (float32), or load it
from the cache in a few milliseconds. `start_background_warmup()` does the
same in one daemon thread while the first screens are shown.

One thread, models one after another: numba compiles under a global
compiler lock, so parallel compiles would only queue up, and a second
busy core would slow down the UI for nothing. A model used while its
warm-up is still running simply waits for the compile it needs (numba's
dispatchers are thread-safe).

Importing this module is cheap: the models (and with them numba) are
imported inside the functions.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Specimen = tuple[Any, np.ndarray, np.ndarray]  # (model, X, y)


def _logistic() -> list[Specimen]:
    from tutor.nn.models.logistic import LogisticRegression, LogisticRegressionConfig

    X = np.linspace(-1.0, 1.0, 8, dtype=np.float32).reshape(4, 2)
    return [
        (LogisticRegression(LogisticRegressionConfig()), X, np.array([0, 1, 0, 1])),
        (LogisticRegression(LogisticRegressionConfig(n_classes=3)), X, np.array([0, 1, 2, 1])),
    ]


def _mlp() -> list[Specimen]:
    from tutor.nn.models.mlp import MLP, MLPConfig

    X = np.linspace(-1.0, 1.0, 8, dtype=np.float32).reshape(4, 2)
    labels = np.array([0, 1, 2, 1])
    # Activation, loss and optimizer are integer codes inside one kernel, so
    # one config per output kind compiles everything; dropout > 0 adds the
    # mask kernels.
    return [
        (MLP(MLPConfig(sizes=(2, 3, 1), loss="bce", dropout=0.1)), X, labels % 2),
        (MLP(MLPConfig(sizes=(2, 3, 3), loss="cross_entropy")), X, labels),
        (MLP(MLPConfig(sizes=(2, 3, 1), loss="mse")), X, X[:, 0] * X[:, 1]),
    ]


def _sequence() -> list[Specimen]:
    from tutor.nn.models.sequence import SequenceClassifier, SequenceClassifierConfig

    tokens = np.array([[0, 1, 2], [3, 2, 1]])  # (N, T) ids, fed one-hot
    features = np.linspace(-1.0, 1.0, 24, dtype=np.float32).reshape(2, 3, 4)  # (N, T, D)
    labels = np.array([0, 3])
    # The cell is an integer code inside the kernels; one model per cell anyway
    # so `inspect`'s gate views are exercised too.
    return [
        (SequenceClassifier(SequenceClassifierConfig(cell=cell)), tokens, labels)
        for cell in ("rnn", "gru", "lstm")
    ] + [(SequenceClassifier(SequenceClassifierConfig(cell="gru")), features, labels)]


def _cnn() -> list[Specimen]:
    from tutor.nn.models.cnn import TinyCNN, TinyCNNConfig

    images = np.linspace(-1.0, 1.0, 2 * 36, dtype=np.float32).reshape(2, 6, 6)  # (N, S, S)
    labels = np.array([0, 2])
    # Padding is an integer argument of the kernels: both kinds compile once.
    return [
        (TinyCNN(TinyCNNConfig(image_size=6, padding=padding)), images, labels)
        for padding in ("valid", "same")
    ]


def _attention() -> list[Specimen]:
    from tutor.nn.models.attention import TinyAttention, TinyAttentionConfig

    tokens = np.array([[0, 1, 2, 3], [3, 2, 1, 0]])  # (N, T)
    per_position = np.array([[0, 0, 1, 2], [3, 3, 2, 1]])  # (N, T): the previous token
    specimens: list[Specimen] = []
    for positions in ("sinusoidal", "learned"):
        targets: tuple[tuple[Literal["per_position", "last"], np.ndarray], ...] = (
            ("per_position", per_position), ("last", per_position[:, -1]))
        for target, labels in targets:
            config = TinyAttentionConfig(vocab_size=4, max_len=4, d_model=4, n_classes=4,
                                         positions=positions, target=target)
            specimens.append((TinyAttention(config), tokens, labels))
    return specimens


WARMERS: dict[str, Callable[[], list[Specimen]]] = {
    "mlp": _mlp,
    "logistic": _logistic,  # an MLP inside: ready once "mlp" is
    "cnn": _cnn,
    "sequence": _sequence,
    "attention": _attention,
}
"""Model name -> tiny instances that, exercised, compile every kernel of that model."""

MODELS: tuple[str, ...] = tuple(WARMERS)


def exercise(model: Any, X: np.ndarray, y: np.ndarray) -> None:
    """Call every method the app calls, so every kernel behind them is ready."""
    model.step(X, y)
    model.loss_and_grads(X, y)
    model.predict(X)
    model.accuracy(X, y)
    model.inspect(X)


def warm_up(models: Iterable[str] = MODELS) -> dict[str, float]:
    """Compile or load the kernels of `models`; returns seconds per model."""
    seconds: dict[str, float] = {}
    for name in models:
        try:
            build = WARMERS[name]
        except KeyError:
            raise KeyError(f"unknown model {name!r}; one of {', '.join(MODELS)}") from None
        start = time.perf_counter()
        for model, X, y in build():
            exercise(model, X, y)
        seconds[name] = time.perf_counter() - start
    return seconds


@dataclass
class Warmup:
    """A background warm-up: poll `done`, or `wait()`; `error` if it failed."""

    models: tuple[str, ...]
    done: threading.Event = field(default_factory=threading.Event)
    seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(timeout)


_lock = threading.Lock()
_running: Warmup | None = None


def start_background_warmup(models: Iterable[str] = MODELS) -> Warmup:
    """Warm up in one daemon thread; while one runs, it is returned instead of a new one."""
    global _running  # noqa: PLW0603 - one warm-up job per process
    with _lock:
        if _running is not None and not _running.done.is_set():
            return _running
        job = Warmup(tuple(models))
        _running = job

    def run() -> None:
        try:
            for name in job.models:  # one at a time so `seconds` fills as it goes
                job.seconds.update(warm_up([name]))
        except Exception:  # a failed warm-up must not kill the app
            job.error = traceback.format_exc()
        finally:
            job.done.set()

    threading.Thread(target=run, name="dltutor-warmup", daemon=True).start()
    return job

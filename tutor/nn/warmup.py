"""Compile (or load from the disk cache) the kernels a model needs, with progress.

Kernels come in *groups*, one per model family (`GROUPS`): preparing a group
builds its models on a tiny batch and calls every method the app uses (step,
loss_and_grads, predict, accuracy, inspect), which makes numba compile each
kernel for the dtype the app trains in (float32), or load it from the cache
in a few milliseconds. A cold cache costs 5-25 s per group; progress is
counted per kernel (`tutor.nn.compiling`).

Who prepares what:
- a `Trainer` prepares the groups of its own model in its worker thread
  before the first step, publishing state "preparing" with (done, total);
- the app, after its first screen, calls `warm_demos(names)` with the demo
  names of the deck: groups missing from the disk cache are compiled by a
  `dltutor warmup` process at nice 19, so most demos find their kernels
  cached (`cache_folder` keeps a marker per group compiled);
- `dltutor warmup` prepares everything (e.g. on a workshop server before
  the room arrives).
Each group is prepared once per process; a thread that needs a group another
thread is preparing waits for it and follows its progress. Threads do not
compile in parallel: numba compiles under one global lock.

Importing this module is cheap: the models (and with them numba) are
imported inside the functions.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from tutor.nn import cache_folder, compiling

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
        *_logistic(),  # an MLP without hidden layers inside: same kernels
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



GROUPS: dict[str, Callable[[], list[Specimen]]] = {
    "mlp": _mlp,  # MLPs, logistic regression, activation kernels
    "cnn": _cnn,
    "sequence": _sequence,
    "attention": _attention,
}
"""Group name -> tiny models that, exercised, compile every kernel of the group."""

EXPECTED_COMPILES: dict[str, int] = {"mlp": 23, "cnn": 22, "sequence": 7, "attention": 5}
"""Kernels numba compiles for each group on an empty cache, in this order
(measured with numba 0.68; a group prepared alone may compile a few more,
which progress absorbs: its total only says when it is nearly done)."""

_MODEL_GROUPS: dict[str, tuple[str, ...]] = {
    "MLP": ("mlp",),
    "LogisticRegression": ("mlp",),
    "TinyCNN": ("cnn",),
    "SequenceClassifier": ("sequence",),
    "TinyAttention": ("attention",),
}

DEMO_GROUPS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("simple-vs-deep", "one-neuron", "linear-vs-nonlinear", "activation-explorer",
         "softmax", "step-training", "lr-race", "overfitting", "hyperparameter-lab",
         "label-noise", "transfer"),
        ("mlp",)),
    "convolution": ("cnn",),
    "memory-over-time": ("sequence",),
    "attention-map": ("attention",),
}
"""Demo name -> the groups its models use; demos without a model are absent."""


def groups_for(model: Any) -> tuple[str, ...]:
    """The groups a model needs; () for models outside the engine and for
    float64 models (gradient checks), which the app never trains."""
    if getattr(getattr(model, "config", None), "dtype", "float32") != "float32":
        return ()
    for cls in type(model).__mro__:
        if cls.__name__ in _MODEL_GROUPS and cls.__module__.startswith("tutor.nn."):
            return _MODEL_GROUPS[cls.__name__]
    return ()


def groups_for_demos(names: Iterable[str]) -> tuple[str, ...]:
    """The groups of these demos, in their order, each once."""
    return tuple(dict.fromkeys(g for name in names for g in DEMO_GROUPS.get(name, ())))


def exercise(model: Any, X: np.ndarray, y: np.ndarray) -> None:
    """Call every method the app calls, so every kernel behind them is ready."""
    model.step(X, y)
    model.loss_and_grads(X, y)
    model.predict(X)
    model.accuracy(X, y)
    model.inspect(X)


def _check(groups: Iterable[str]) -> tuple[str, ...]:
    groups = tuple(groups)
    for name in groups:
        if name not in GROUPS:
            raise KeyError(f"unknown kernel group {name!r}; one of {', '.join(GROUPS)}")
    return groups


def _warm(group: str) -> None:
    for model, X, y in GROUPS[group]():
        exercise(model, X, y)


def progress(groups: Iterable[str]) -> tuple[int, int]:
    """(kernels ready, kernels needed) for these groups in this process."""
    return compiling.progress(groups, EXPECTED_COMPILES)


def prepare(
    groups: Iterable[str],
    on_progress: Callable[[], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> bool:
    """Make `groups` ready in this thread (or wait for the thread preparing
    them); False if `should_stop()` turned true first. See `compiling.prepare`."""
    groups = _check(groups)
    ready = compiling.prepare(groups, _warm, on_progress=on_progress, should_stop=should_stop)
    if ready:
        for group in groups:
            cache_folder.mark_cached(group)
    return ready


def warm_up(
    groups: Iterable[str] = tuple(GROUPS),
    on_progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, float]:
    """Prepare `groups` one after another; returns seconds per group.
    `on_progress(group, done, total)` follows the kernels of each group."""
    seconds: dict[str, float] = {}
    for name in _check(groups):
        report = None
        if on_progress is not None:
            def report(name: str = name) -> None:
                on_progress(name, *progress([name]))
        start = time.perf_counter()
        prepare([name], report)
        seconds[name] = time.perf_counter() - start
    return seconds


def lower_this_threads_priority() -> None:
    """Nice 19 for the calling thread only (Linux: a thread is a task with its
    own nice value); elsewhere, or if refused, nothing happens."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):
        pass


@dataclass
class Warmup:
    """A background warm-up: poll `progress()` and `done`, or `wait()`;
    `error` holds the traceback if it failed."""

    groups: tuple[str, ...]
    seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    _finished: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once finished (with or without `error`)."""
        return self._finished.wait(timeout)

    def progress(self) -> tuple[int, int]:
        return progress(self.groups)


def start_background_warmup(groups: Iterable[str] = tuple(GROUPS),
                            low_priority: bool = True) -> Warmup:
    """Prepare `groups` in one daemon thread, at nice 19 unless told otherwise,
    so the warm-up only uses CPU time nobody else wants. Errors are kept in
    `Warmup.error`, never raised."""
    job = Warmup(_check(groups))

    def run() -> None:
        if low_priority:
            lower_this_threads_priority()
        try:
            for name in job.groups:  # one at a time so `seconds` fills as it goes
                job.seconds.update(warm_up([name]))
        except Exception:  # a failed warm-up must not kill the app
            job.error = traceback.format_exc()
        finally:
            job._finished.set()

    threading.Thread(target=run, name="dltutor-warmup", daemon=True).start()
    return job


def warm_demos(demo_names: Iterable[str]) -> subprocess.Popen[bytes] | None:
    """What the app calls (off the UI thread) once its first screen is up:
    compile the kernels of these demos that the disk cache does not hold
    yet, in a separate process at nice 19, and return it (None when every
    kernel is cached already, the usual case).

    A separate process, not a thread: numba compiles holding the GIL (18-25 s
    for every kernel on a cold cache), which would stall the app's keys all
    that while, and loading kernels the learner may never use costs memory.
    A demo loads its own kernels from the cache when it opens; one opened
    while this runs compiles its group itself (first run on a machine only).
    """
    missing = cache_folder.not_cached(groups_for_demos(demo_names))
    if not missing:
        return None
    process = subprocess.Popen(
        [sys.executable, "-m", "tutor", "warmup", "--quiet", "--groups", ",".join(missing)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)  # a Ctrl-C in the terminal is the app's, not its helper's
    try:
        os.setpriority(os.PRIO_PROCESS, process.pid, 19)
    except OSError:
        pass
    return process

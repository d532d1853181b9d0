"""memory-over-time: a plain RNN and a gated cell must recall a symbol N steps back.

Every sequence is a stream of random symbols (one of SYMBOLS at every step).
One step, PREFIX steps in, carries a marker: "remember this one". Then come
`gap` more random symbols, and at the end the network must name the marked
symbol. The symbols after the mark are distractors in the very channels the
mark came in, and the prefix means the state is already busy when the mark
arrives, so the cell cannot lean on a clean start (a plain RNN learned a
same-vocabulary lag of 15 without these; see the issue).

Measured while designing it (hidden 16, Adam lr 0.01, batch 32, 10 seeds):
at gap 30 no plain RNN rose above 0.35 in 1,500 steps, while every GRU
whose update gate starts near "keep" (keep_bias 2) reached 1.0, nine of
them within 200 steps, one by 600; at gap 5 the RNN learns too (>= 0.87
by step 200 in 5 of 5 seeds). At gap 20 two RNN seeds in ten still
learned the task by step 1,000, so the slide's long gap is 30. At the
start the RNN's gradient at the first step is 1e3 to 1e12 times smaller
than at the last: the vanishing gradient the slide describes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from tutor.lessons.runs import ModelFactory, RunSpec, param_int, param_str, simulate
from tutor.nn.base import Model, OptimizerConfig
from tutor.nn.datasets import Dataset
from tutor.nn.datasets.dataset import FLOAT, split
from tutor.nn.snapshot import Snapshot

if TYPE_CHECKING:
    from tutor.nn.models.sequence import SequenceClassifier, SequenceClassifierConfig

# Model modules import numba: they are imported where a model is built (in a
# trainer's thread), so opening the demo never loads the engine on the UI thread.
CellKind = Literal["rnn", "gru", "lstm"]

SYMBOLS = 4
"""Distinct symbols; chance is 1 / SYMBOLS."""
PREFIX = 5
"""Random symbols before the marked one."""
CELLS: tuple[CellKind, ...] = ("rnn", "gru", "lstm")
GAPS: tuple[int, ...] = (2, 5, 10, 20, 30, 40)
"""The gaps a key steps through."""
REMEMBERED = 0.9
"""Validation accuracy that counts as "remembers"."""


@dataclass(frozen=True)
class Settings:
    cell: CellKind = "rnn"
    """The cell the slide is about; the race is always the plain RNN
    against a gated cell (this one, or the GRU when the slide names the RNN)."""
    gap: int = 5
    """Random symbols between the marked one and the question."""
    hidden: int = 16
    lr: float = 0.01
    batch: int = 32
    steps: int = 800
    """The race's step budget."""
    keep_bias: float = 2.0
    """Start of the gated cells' keep gate (update z, forget f): sigmoid(2) = 0.88."""
    sequences: int = 1000
    """Training plus validation sequences (a fifth validate)."""

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Settings:
        cell = param_str(params, "cell", cls.cell)
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {', '.join(CELLS)}, not {cell!r}")
        gap = param_int(params, "gap", cls.gap)
        if gap < 1:
            raise ValueError("gap must be >= 1")
        return cls(cell=cell, gap=gap)  # type: ignore[arg-type]

    @property
    def gated(self) -> CellKind:
        """The gated contender: the slide's cell, or the GRU."""
        return "gru" if self.cell == "rnn" else self.cell

    @property
    def length(self) -> int:
        """Steps in one sequence: prefix, the marked symbol, the gap."""
        return PREFIX + 1 + self.gap

    def with_gated(self, cell: CellKind) -> Settings:
        """The same race against another gated cell (the LSTM key)."""
        if cell == "rnn":
            raise ValueError("the gated contender cannot be the plain RNN")
        return replace(self, cell=cell)


def recall_task(gap: int, n: int = 2000, seed: int = 0, val_fraction: float = 0.2) -> Dataset:
    """Feature sequences X (N, T, SYMBOLS + 1), T = PREFIX + 1 + gap: a one-hot
    symbol at every step, and at step PREFIX a 1 in the last channel (the
    mark). Label: the marked symbol.

    info: "symbols_train"/"symbols_val" (N, T) the symbols as ids (for
    drawing), "marked" the marked step, "gap".
    """
    rng = np.random.default_rng(seed)
    T = PREFIX + 1 + gap
    symbols = rng.integers(0, SYMBOLS, size=(n, T))
    X = np.zeros((n, T, SYMBOLS + 1), dtype=FLOAT)
    X[np.arange(n)[:, None], np.arange(T)[None, :], symbols] = 1.0
    X[:, PREFIX, SYMBOLS] = 1.0
    y = symbols[:, PREFIX].astype(np.int64)
    return split("recall", X, y, rng, val_fraction, SYMBOLS,
                 info={"marked": PREFIX, "gap": gap}, per_example={"symbols": symbols})


def model_config(settings: Settings, cell: CellKind) -> SequenceClassifierConfig:
    from tutor.nn.models.sequence import SequenceClassifierConfig

    return SequenceClassifierConfig(
        cell=cell, n_inputs=SYMBOLS + 1, hidden=settings.hidden, n_classes=SYMBOLS,
        keep_bias=settings.keep_bias, optimizer=OptimizerConfig("adam", lr=settings.lr))


def classifier(config: SequenceClassifierConfig, seed: int) -> SequenceClassifier:
    from tutor.nn.models.sequence import SequenceClassifier

    return SequenceClassifier(config, seed=seed)


def build(settings: Settings, cell: CellKind) -> ModelFactory:
    """seed -> a fresh model; the engine is loaded when it is first called."""

    def fresh(seed: int) -> Model:
        return classifier(model_config(settings, cell), seed)

    return fresh


def run(settings: Settings, cell: CellKind, data: Dataset) -> RunSpec:
    """One contender of the race on `data` (both contenders share it)."""
    return RunSpec(name=cell.upper() if cell != "rnn" else "plain RNN",
                   build=build(settings, cell), dataset=data, batch_size=settings.batch,
                   max_steps=settings.steps, steps_per_chunk=10, eval_every=50,
                   kernels=("sequence",))


def race(settings: Settings, seed: int = 0) -> tuple[RunSpec, RunSpec]:
    """(plain RNN, gated cell) on one dataset drawn from `seed`."""
    data = recall_task(settings.gap, settings.sequences, seed)
    return run(settings, "rnn", data), run(settings, settings.gated, data)


def gradient_fade(norms: np.ndarray) -> float:
    """|d loss / d h| at the first step over that at the last: how much of
    the learning signal reaches the start of the sequence (1 = all of it)."""
    norms = np.asarray(norms, dtype=np.float64)
    if norms.size == 0 or norms[-1] <= 0:
        return float("nan")
    return float(norms[0] / norms[-1])


def fade_at_start(settings: Settings, cell: CellKind, data: Dataset, seed: int,
                  probe: int = 64) -> float:
    """`gradient_fade` of a fresh model on the first `probe` validation sequences."""
    model = classifier(model_config(settings, cell), seed)
    norms = model.inspect(data.X_val[:probe], data.y_val[:probe])["grad_norm_per_step"]
    return gradient_fade(norms)


@dataclass(frozen=True)
class Outcome:
    """What one contender did within the budget."""

    cell: CellKind
    peak: float
    """Best validation accuracy at any evaluation."""
    final: float
    """Validation accuracy at the end of the budget."""
    fade: float
    """`gradient_fade` of the untrained model."""


def measure(settings: Settings, seed: int) -> tuple[Outcome, Outcome]:
    """Run the race headless: (plain RNN, gated cell)."""
    outcomes = []
    cells: tuple[CellKind, CellKind] = ("rnn", settings.gated)
    for spec, cell in zip(race(settings, seed), cells, strict=True):
        snapshot = simulate(spec, seed)
        curve = snapshot.val_accuracy_curve
        outcomes.append(Outcome(cell, float(np.max(curve)), float(curve[-1]),
                                fade_at_start(settings, cell, spec.dataset, seed)))
    return outcomes[0], outcomes[1]



def verdict(settings: Settings, rnn: Snapshot, gated: Snapshot) -> str | None:
    """The sentence the demo shows once the race has shown its lesson, else
    None: both runs ended, or the gated cell remembers while the RNN's run
    is over."""
    over = ("done", "stopped", "diverged", "error")
    if rnn.state not in over or not len(rnn.val_accuracy_curve):
        return None
    name = settings.gated.upper()
    rnn_best = float(np.max(rnn.val_accuracy_curve))
    gated_now = gated.val_accuracy
    if rnn_best >= REMEMBERED:
        return f"gap {settings.gap}: the plain RNN remembers too ({rnn_best:.0%}); + lengthens it"
    if gated_now >= REMEMBERED:
        return (f"gap {settings.gap}: {name} remembers ({gated_now:.0%}); plain RNN stuck at "
                f"{rnn_best:.0%}, chance {1 / SYMBOLS:.0%}")
    if gated.state in over:
        return f"gap {settings.gap}: neither remembered within {settings.steps} steps"
    return None

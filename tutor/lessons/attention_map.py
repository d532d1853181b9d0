"""attention-map: who attends to whom, in a sentence and in a model that learns it.

First the slide's sentence with a hand-made attention map (ILLUSTRATIVE:
the screen must say these weights were chosen, not learned); the chosen
token's row is the slide's. Then a one-head attention model (TinyAttention,
learned positions) trains on a toy task whose right answer is known: at
every position, output the token one position back. Attending to the
previous position is the only way to solve it, so the target map is the
band just below the diagonal (position 0 looks at itself).

Measured with `measure` (d_model 16, Adam lr 0.01, batch 32, seeds 0-2):
the untrained map spreads each row almost evenly (0.09 to 0.25 of the
weight on the right position, uniform being 1/8); after the 400-step budget
the weakest row puts 0.86 to 0.97 of its weight there on average. With
fixed sinusoidal positions the rows stalled near 0.65 although accuracy was
100%: a head that solves the task need not attend sharply, so this lesson
learns its positions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tutor.lessons.runs import RunSpec, param_str, simulate
from tutor.nn.base import Model, OptimizerConfig
from tutor.nn.datasets import Dataset, attention_task

if TYPE_CHECKING:
    from tutor.nn.models.attention import TinyAttentionConfig

# Model modules import numba: they are imported where a model is built (in a
# trainer's thread), so opening the demo never loads the engine on the UI thread.

SENTENCE: tuple[str, ...] = ("the", "cat", "sat", "on", "the", "mat")

ILLUSTRATIVE = np.array([
    # the   cat   sat   on    the   mat        attending token
    [0.30, 0.45, 0.10, 0.05, 0.05, 0.05],  # the
    [0.10, 0.35, 0.30, 0.05, 0.05, 0.15],  # cat (the slide's row)
    [0.05, 0.40, 0.25, 0.15, 0.05, 0.10],  # sat
    [0.05, 0.05, 0.30, 0.20, 0.10, 0.30],  # on
    [0.05, 0.05, 0.05, 0.10, 0.30, 0.45],  # the
    [0.05, 0.10, 0.15, 0.25, 0.10, 0.35],  # mat
])
"""Row t: how much token t attends to each token. Chosen by hand to look
plausible (articles to their nouns, the verb to its subject): illustrative,
not computed by any model."""

ILLUSTRATIVE_NOTE = "illustrative weights, chosen by hand; the model below learns its own"

FOCUSED = 0.8
"""Share of a row's weight on the right position that counts as "sharp"."""


@dataclass(frozen=True)
class Settings:
    token: str = "cat"
    """The sentence token whose row is shown first."""
    length: int = 8
    vocab: int = 8
    d_model: int = 16
    lr: float = 0.01
    batch: int = 32
    steps: int = 400
    sequences: int = 1000

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Settings:
        token = param_str(params, "token", cls.token)
        if token not in SENTENCE:
            raise ValueError(f"token must be a word of {' '.join(SENTENCE)!r}, not {token!r}")
        return cls(token=token)

    @property
    def token_index(self) -> int:
        """The first position of `token` in the sentence."""
        return SENTENCE.index(self.token)


def toy_task(settings: Settings, seed: int = 0) -> Dataset:
    """"Copy the previous token": X (N, T) tokens, y (N, T), and the target
    map in info["attention_train"/"attention_val"] (N, T, T)."""
    return attention_task("previous", n=settings.sequences, seq_len=settings.length,
                          vocab_size=settings.vocab, seed=seed)


def model_config(settings: Settings) -> TinyAttentionConfig:
    from tutor.nn.models.attention import TinyAttentionConfig

    return TinyAttentionConfig(vocab_size=settings.vocab, max_len=settings.length,
                               d_model=settings.d_model, n_classes=settings.vocab,
                               positions="learned",
                               optimizer=OptimizerConfig("adam", lr=settings.lr))


def run(settings: Settings, seed: int = 0) -> RunSpec:
    def build(model_seed: int) -> Model:
        from tutor.nn.models.attention import TinyAttention

        return TinyAttention(model_config(settings), seed=model_seed)

    return RunSpec(name="attention", build=build, dataset=toy_task(settings, seed),
                   batch_size=settings.batch, max_steps=settings.steps, steps_per_chunk=2,
                   eval_every=10, kernels=("attention",))


def focus(attention: np.ndarray, target: np.ndarray) -> np.ndarray:
    """(T,) the share of each row's weight on the right positions, averaged
    over the examples: attention and target are (N, T, T), target 1 where
    a position should look."""
    attention = np.asarray(attention, dtype=np.float64)
    return (attention * np.asarray(target)).sum(axis=2).mean(axis=0)


def probe_target(spec: RunSpec, probe: int) -> np.ndarray:
    """The target map of the first `probe` validation sequences (the
    trainer's default probe), to hold against `inspection["attention"]`."""
    return np.asarray(spec.dataset.info["attention_val"])[:probe]


@dataclass(frozen=True)
class Outcome:
    start: np.ndarray
    """(T,) `focus` of the untrained model."""
    end: np.ndarray
    """(T,) `focus` after the budget."""
    accuracy: float


def measure(settings: Settings, seed: int) -> Outcome:
    """Train headless for the budget; focus at the start and the end, on the probe."""
    spec = run(settings, seed)
    maps = []
    for steps in (0, settings.steps):
        snapshot = simulate(spec, seed, steps=steps)
        attention = snapshot.inspection["attention"]
        maps.append(focus(attention, probe_target(spec, len(attention))))
    return Outcome(maps[0], maps[1], snapshot.val_accuracy)

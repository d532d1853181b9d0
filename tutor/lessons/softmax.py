"""Softmax with a temperature: scores in, probabilities that sum to 1 out.

What the slide promises: the bars always sum to 1; as the temperature falls
the largest score takes all the probability (arg-max), and as it rises every
class approaches the same share (uniform). `verdict` says which of the two
the current setting is near, for the demo's lesson line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tutor.content.model import Demo

NEAR = 0.05
"""A distribution is "near" a limit when no probability is off by more than this."""


@dataclass(frozen=True)
class Settings:
    scores: tuple[float, ...]
    temperature: float

    @classmethod
    def from_demo(cls, demo: Demo) -> Settings:
        return cls(demo.numbers("scores"), demo.number("temperature"))


def softmax(scores: np.ndarray | tuple[float, ...], temperature: float = 1.0) -> np.ndarray:
    """exp(s / T) / sum(exp(s / T)), shifted by the maximum so it never overflows."""
    z = np.asarray(scores, dtype=np.float64) / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


def argmax_limit(scores: np.ndarray | tuple[float, ...]) -> np.ndarray:
    """What softmax tends to as T -> 0: all probability shared by the top scores."""
    s = np.asarray(scores, dtype=np.float64)
    top = (s == s.max()).astype(np.float64)
    return top / top.sum()


def uniform_limit(scores: np.ndarray | tuple[float, ...]) -> np.ndarray:
    """What softmax tends to as T -> infinity: the same share for every class."""
    n = len(scores)
    return np.full(n, 1.0 / n)


def verdict(scores: tuple[float, ...], temperature: float) -> str:
    """One line on where this temperature puts the distribution."""
    p = softmax(scores, temperature)
    if np.abs(p - argmax_limit(scores)).max() <= NEAR:
        return f"T = {temperature:.3g}: almost all on the top score (arg-max)"
    if np.abs(p - uniform_limit(scores)).max() <= NEAR:
        return f"T = {temperature:.3g}: nearly the same share for every class (uniform)"
    return f"T = {temperature:.3g}: the top score leads with {p.max():.0%}; the rest keep a share"

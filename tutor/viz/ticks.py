"""Axis ticks at round numbers, and short labels for them (1k, 0.25, 1e-3)."""

from __future__ import annotations

import math

import numpy as np


def compact(value: float) -> str:
    """A short label: 0, 0.25, 12.5, 1.5k, 2M, 1e-3, 2.5e-4; nan/inf spelled."""
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if value == 0:
        return "0"
    a = abs(value)
    for scale, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= scale:
            return _trim(f"{value / scale:.3g}") + suffix
    if a < 1e-2:
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{_trim(mantissa)}e{int(exponent)}"
    return _trim(f"{value:.3g}")


def _trim(number: str) -> str:
    return number.rstrip("0").rstrip(".") if "." in number and "e" not in number else number


def nice_step(span: float, count: int) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about `count` intervals."""
    raw = span / max(count, 1)
    if not math.isfinite(raw) or raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    ratio = raw / power  # in [1, 10): round to the nearest of 1, 2, 5, 10
    factor = 1.0 if ratio < 1.5 else 2.0 if ratio < 3.5 else 5.0 if ratio < 7.5 else 10.0
    return factor * power


def linear_ticks(lo: float, hi: float, count: int) -> list[float]:
    """Round values inside [lo, hi], about `count` intervals apart."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    step = nice_step(hi - lo, count)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    # multiply, don't accumulate: 0.1 + 0.2 must label as 0.3
    return [round(i * step, 12) for i in range(first, last + 1)]


def log_ticks(lo: float, hi: float, count: int) -> list[float]:
    """Powers of ten inside [lo, hi] (lo > 0), every k-th decade so that about
    `count` remain; within less than a decade, round linear values instead."""
    if not (lo > 0 and hi > lo and math.isfinite(hi)):
        return [lo] if lo > 0 and math.isfinite(lo) else []
    first, last = math.ceil(math.log10(lo) - 1e-9), math.floor(math.log10(hi) + 1e-9)
    if last - first < 1:
        return linear_ticks(lo, hi, count)
    every = max(1, math.ceil((last - first) / max(count, 1)))
    return [10.0 ** k for k in range(first, last + 1) if (k - first) % every == 0]


def padded_range(values: np.ndarray) -> tuple[float, float]:
    """A range holding every finite value, widened a little around a constant
    and defaulting to (0, 1) when nothing is finite."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1e-300):
        pad = abs(lo) * 0.1 if lo != 0 else 1.0
        return lo - pad, hi + pad
    return lo, hi

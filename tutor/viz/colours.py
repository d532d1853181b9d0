"""Colour arithmetic on numpy arrays for the graphics (ramps, blends)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tutor.viz.display import DIVERGING, SEQUENTIAL


def ramp_rgb(t: np.ndarray, diverging: bool = False) -> np.ndarray:
    """Colours for values `t` in [0, 1] (NaN -> 0.5): shape t.shape + (3,), uint8."""
    stops = np.asarray(DIVERGING if diverging else SEQUENTIAL, dtype=np.float64)
    t = np.nan_to_num(np.clip(np.asarray(t, dtype=np.float64), 0.0, 1.0), nan=0.5)
    pos = t * (len(stops) - 1)
    lo = np.minimum(pos.astype(np.int64), len(stops) - 2)
    frac = (pos - lo)[..., None]
    return np.rint(stops[lo] * (1 - frac) + stops[lo + 1] * frac).astype(np.uint8)


def blend(a: np.ndarray | Sequence[int], b: np.ndarray | Sequence[int],
          t: np.ndarray | float) -> np.ndarray:
    """a*(1-t) + b*t per channel, uint8; `t` broadcasts over the last axis."""
    t = np.asarray(t, dtype=np.float64)[..., None] if np.ndim(t) else float(t)
    out = np.asarray(a, dtype=np.float64) * (1 - t) + np.asarray(b, dtype=np.float64) * t
    return np.rint(out).astype(np.uint8)

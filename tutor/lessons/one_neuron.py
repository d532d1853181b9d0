"""One neuron: y = activation(w1·x1 + w2·x2 + b) over the input plane.

What the slide promises: the weights tilt the line where z = w·x + b is 0,
the bias shifts it, and the activation decides how the output changes
across it (a soft step for sigmoid, a ramp for ReLU). The plane is computed
with the engine's activation kernel (`activation_explorer.evaluate`); the
truth test checks it against the formula written out independently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from tutor.content.model import Demo
from tutor.lessons.activation_explorer import NAMES, evaluate

EXTENT = (-3.0, 3.0, -3.0, 3.0)
"""x1 from -3 to 3 (left to right), x2 from -3 to 3 (bottom to top)."""
ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")
_COMPASS = ("right", "upper right", "top", "upper left", "left", "lower left", "bottom",
            "lower right")
LIMIT = 10.0
"""Largest |w1|, |w2|, |b| (the spec's range)."""


@dataclass(frozen=True)
class Neuron:
    activation: str
    w1: float
    w2: float
    b: float

    @classmethod
    def from_demo(cls, demo: Demo) -> Neuron:
        return cls(demo.text("activation"), demo.number("w1"), demo.number("w2"),
                   demo.number("b"))

    def nudged(self, field: str, delta: float) -> Neuron:
        """This neuron with `field` (w1, w2 or b) changed by `delta`, within the limits."""
        value = round(float(getattr(self, field)) + delta, 6)
        changes: dict[str, Any] = {field: min(max(value, -LIMIT), LIMIT)}
        return replace(self, **changes)

    def z(self, x1: ArrayLike, x2: ArrayLike) -> np.ndarray:
        return (self.w1 * np.asarray(x1, np.float64) + self.w2 * np.asarray(x2, np.float64)
                + self.b)

    def outputs(self, x1: ArrayLike, x2: ArrayLike) -> np.ndarray:
        """activation(w·x + b) by the engine's kernel (float32, as in training)."""
        z = self.z(x1, x2)
        f, _ = evaluate(self.activation, z.reshape(-1).astype(np.float32))
        return f.reshape(z.shape)

    def formula(self) -> str:
        """`y = sigmoid(1.5·x1 - 0.5·x2 + 0)` with the current numbers."""
        w2_sign = "-" if self.w2 < 0 else "+"
        b_sign = "-" if self.b < 0 else "+"
        return (f"y = {NAMES[self.activation]}({self.w1:g}·x1 {w2_sign} {abs(self.w2):g}·x2 "
                f"{b_sign} {abs(self.b):g})")


def pixel_centres(cols: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) x1 and x2 at the centre of each pixel, top row (x2 max) first."""
    x_lo, x_hi, y_lo, y_hi = EXTENT
    xs = x_lo + (np.arange(cols) + 0.5) / cols * (x_hi - x_lo)
    ys = y_hi - (np.arange(rows) + 0.5) / rows * (y_hi - y_lo)
    return np.meshgrid(xs, ys)


def plane(neuron: Neuron, cols: int, rows: int) -> np.ndarray:
    """(rows, cols) outputs over the plane, top row first."""
    x1, x2 = pixel_centres(cols, rows)
    return neuron.outputs(x1, x2)


def pixel_of(x1: float, x2: float, cols: int, rows: int) -> tuple[int, int]:
    """(row, col) of the pixel holding the point (x1, x2)."""
    x_lo, x_hi, y_lo, y_hi = EXTENT
    col = int((x1 - x_lo) / (x_hi - x_lo) * cols)
    row = int((y_hi - x2) / (y_hi - y_lo) * rows)
    return min(max(row, 0), rows - 1), min(max(col, 0), cols - 1)


def colour_range(neuron: Neuron) -> tuple[float, float]:
    """Ends of the colour scale: the activation's own range where it has one,
    else the largest |z| the plane reaches with these weights."""
    if neuron.activation == "sigmoid":
        return 0.0, 1.0
    if neuron.activation == "tanh":
        return -1.0, 1.0
    x_hi, y_hi = EXTENT[1], EXTENT[3]
    reach = abs(neuron.w1) * x_hi + abs(neuron.w2) * y_hi + abs(neuron.b) or 1.0
    return (0.0, reach) if neuron.activation == "relu" else (-reach, reach)


def verdict(neuron: Neuron) -> str:
    """Where the output changes: the line z = 0 and the direction it rises."""
    if neuron.w1 == 0 and neuron.w2 == 0:
        return "both weights are 0: the output is the same everywhere (only b counts)"
    angle = math.degrees(math.atan2(neuron.w2, neuron.w1)) % 360
    towards = _COMPASS[round(angle / 45) % 8]
    distance = abs(neuron.b) / math.hypot(neuron.w1, neuron.w2)
    where = ("through the middle" if neuron.b == 0
             else f"{distance:.2g} from the middle (b = {neuron.b:g})")
    return (f"z = 0 on a straight line {where}; the output grows towards the {towards} "
            "(the direction of w = (w1, w2))")

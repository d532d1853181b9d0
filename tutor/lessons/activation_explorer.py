"""Activation functions and their derivatives, as the engine computes them.

The curves come from the engine's own kernel (`activation_forward`, the one
every hidden layer runs, on float32 as in training), so the demo shows what
training uses, not a textbook copy. What the slide promises: where the
derivative is near zero, the function is flat ("saturated": sigmoid and tanh
far from 0, ReLU below 0) and almost no gradient flows back through it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tutor.content.model import Demo

FUNCTIONS = ("relu", "sigmoid", "tanh", "leaky_relu", "gelu")
"""In key order: the slide's three, then two more one key away."""
NAMES = {"relu": "ReLU", "sigmoid": "sigmoid", "tanh": "tanh", "leaky_relu": "LeakyReLU",
         "gelu": "GELU", "identity": "identity"}
Z_MIN, Z_MAX, Z_POINTS = -6.0, 6.0, 241  # a grid step of 0.05
SATURATED = 0.05
"""|f'(z)| below this counts as saturated: a layer passes back under 5% of the gradient."""
LEAKY_SLOPE = 0.01
"""The engine's default negative-side slope of LeakyReLU (MLPConfig.leaky_slope)."""
KERNEL_GROUP = "mlp"
"""Warm-up group whose compile covers the activation kernel on float32."""


@dataclass(frozen=True)
class Curves:
    """f and f' of one activation on the grid `z` (all (Z_POINTS,) float32)."""

    name: str
    z: np.ndarray
    f: np.ndarray
    df: np.ndarray

    @property
    def saturated(self) -> np.ndarray:
        """(Z_POINTS,) bool: where the derivative has (nearly) vanished."""
        return np.abs(self.df) < SATURATED


def z_grid() -> np.ndarray:
    return np.linspace(Z_MIN, Z_MAX, Z_POINTS, dtype=np.float32)


def evaluate(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(f(z), f'(z)) from the engine's kernel; compiles it on first use (seconds
    on a cold cache), so the UI calls this off its thread."""
    from tutor.nn.kernels.activations import ACTIVATIONS, activation_forward

    deriv = np.array(z, dtype=np.float32)  # the kernel overwrites z with f'(z)
    value = np.empty_like(deriv)
    activation_forward(ACTIVATIONS[name], deriv, value, LEAKY_SLOPE)
    return value, deriv


def all_curves(names: tuple[str, ...] = FUNCTIONS) -> dict[str, Curves]:
    z = z_grid()
    out = {}
    for name in names:
        f, df = evaluate(name, z)
        out[name] = Curves(name, z, f, df)
    return out


def saturated_ranges(curves: Curves) -> list[tuple[float, float]]:
    """The z intervals (first, last grid point) where the function is saturated."""
    ranges: list[tuple[float, float]] = []
    mask = curves.saturated
    start = None
    for i, flat in enumerate(mask):
        if flat and start is None:
            start = i
        if start is not None and (not flat or i == len(mask) - 1):
            end = i if flat else i - 1
            ranges.append((float(curves.z[start]), float(curves.z[end])))
            start = None
    return ranges


def describe_saturation(curves: Curves) -> str:
    ranges = saturated_ranges(curves)
    if not ranges:
        return f"{NAMES[curves.name]}: f'(z) >= {SATURATED} everywhere shown; never saturated"
    parts = []
    for lo, hi in ranges:
        if lo <= Z_MIN:
            parts.append(f"z <= {hi:+.2f}")
        elif hi >= Z_MAX:
            parts.append(f"z >= {lo:+.2f}")
        else:
            parts.append(f"{lo:+.2f} <= z <= {hi:+.2f}")
    if not curves.df[curves.saturated].any():  # ReLU: flat, not merely nearly flat
        return "no gradient at all (f'(z) = 0): " + " and ".join(parts)
    return f"saturated (f'(z) < {SATURATED}): " + " and ".join(parts)


def verdict(curves: Curves, index: int) -> str:
    """What the gradient does at grid point `index`, for the lesson line."""
    z, d = float(curves.z[index]), float(curves.df[index])
    name = NAMES[curves.name]
    if d == 0:
        return f"at z = {z:+.2f} {name} is flat: f'(z) = 0, no gradient flows back at all"
    if abs(d) < SATURATED:
        return (f"at z = {z:+.2f} {name} is saturated: f'(z) = {d:.2g}, only {abs(d):.1%} "
                "of the gradient flows back")
    return f"at z = {z:+.2f} the gradient flows back scaled by f'(z) = {d:.3g}"


@dataclass(frozen=True)
class Settings:
    first: str

    @classmethod
    def from_demo(cls, demo: Demo) -> Settings:
        name = demo.text("fn")
        return cls(name if name in FUNCTIONS else "relu")

"""What every dltutor model shares: the model protocol, a flat parameter
buffer with named views, and the optimizer that updates it.

How a model uses these pieces
-----------------------------
1. Declare the parameters once, by name and shape, in a `ParamBuffer`::

       buffer = ParamBuffer({"W0": (2, 16), "b0": (16,), "W1": (16, 1), "b1": (1,)},
                            dtype=np.float32, decay=("W0", "W1"))

   `buffer.data` is ONE contiguous 1-D array holding every parameter;
   `buffer["W0"]` is a reshaped *view* into it (writing to the view writes to
   the flat vector). `buffer.grad` is the matching flat gradient vector and
   `buffer.grad_view("W0")` its view. `buffer.decay_mask` is 1 where L2 weight
   decay applies (the names listed in `decay`, usually weights, not biases).
   Backward kernels write the gradients straight into the grad views (or into
   `buffer.grad` at `buffer.offset(name)` inside a fused kernel), so nothing
   is gathered or copied before the update.

2. Update all parameters with one kernel call::

       optimizer = Optimizer(config.optimizer, buffer.size, buffer.dtype)
       optimizer.update(buffer)          # SGD / momentum / Adam + L2 decay

   A fully fused training-step kernel (forward + backward + update in one
   numba call) instead asks for the update arguments and calls
   `tutor.nn.optim.apply_update` itself at its end::

       args = optimizer.prepare_step()   # advances the step counter
       fused_step(buffer.data, buffer.grad, buffer.decay_mask, ..., *args)

   `optimizer.idle_args()` gives arguments of the same types for a pass of
   the same kernel that must not update (lr 0); all scalars are plain Python
   floats/ints so numba compiles the kernel once, not once per type mix.

3. Subclass `ParamModel` to get `params` (copies in and out), `n_params`,
   `lr` (settable base learning rate) and `accuracy` for free; implement
   `loss_and_grads`, `step`, `predict` and `inspect` (the `Model` protocol).

Conventions: the loss a model reports is the data loss only; L2 weight decay
is the optimizer's job (as in PyTorch's `weight_decay`), so
`loss_and_grads` returns d(data loss)/d(params) and gradient checks compare
against the reported loss. Random state is always passed explicitly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np

OptimizerKind = Literal["sgd", "momentum", "adam"]
ScheduleKind = Literal["constant", "step", "exponential", "cosine"]
DType = Literal["float32", "float64"]
DTYPES: tuple[str, ...] = ("float32", "float64")


def check_dtype(dtype: str) -> None:
    """Model configs: float32 trains (fast maths), float64 is exact (gradient checks)."""
    if dtype not in DTYPES:
        raise ValueError("dtype must be 'float32' or 'float64'")

# Integer codes understood by the update kernel (see `tutor.nn.optim`).
OPTIMIZER_CODES: dict[str, int] = {"sgd": 0, "momentum": 1, "adam": 2}


@runtime_checkable
class Model(Protocol):
    """The API every dltutor model offers (see the engine contract)."""

    @property
    def params(self) -> dict[str, np.ndarray]: ...

    @params.setter
    def params(self, values: Mapping[str, np.ndarray]) -> None: ...

    @property
    def n_params(self) -> int: ...

    @property
    def lr(self) -> float: ...

    @lr.setter
    def lr(self, value: float) -> None: ...

    def loss_and_grads(
        self, X: np.ndarray, y: np.ndarray, train: bool = False
    ) -> tuple[float, dict[str, np.ndarray]]: ...

    def step(self, X: np.ndarray, y: np.ndarray) -> float: ...

    def predict(self, X: np.ndarray) -> np.ndarray: ...

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float: ...

    def inspect(self, X: np.ndarray) -> dict[str, np.ndarray]: ...


# --------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------


class ParamBuffer:
    """All parameters of a model in one contiguous vector, with named views.

    One flat vector lets the optimizer update every parameter in a single
    kernel call and lets fused kernels address any parameter by offset.
    """

    def __init__(
        self,
        shapes: Mapping[str, tuple[int, ...]],
        dtype: np.dtype | type | str = np.float64,
        decay: Iterable[str] = (),
    ) -> None:
        self.dtype = np.dtype(dtype)
        self.shapes: dict[str, tuple[int, ...]] = {k: tuple(s) for k, s in shapes.items()}
        self._offsets: dict[str, int] = {}
        total = 0
        for name, shape in self.shapes.items():
            self._offsets[name] = total
            total += math.prod(shape)
        self.size = total
        self.data = np.zeros(total, dtype=self.dtype)  # (P,)
        self.grad = np.zeros(total, dtype=self.dtype)  # (P,)
        self.decay_mask = np.zeros(total, dtype=self.dtype)  # (P,) 1 where L2 applies
        decayed = set(decay)
        unknown = decayed - self.shapes.keys()
        if unknown:
            raise KeyError(f"decay names not among the parameters: {sorted(unknown)}")
        self._views: dict[str, np.ndarray] = {}
        self._grad_views: dict[str, np.ndarray] = {}
        for name, shape in self.shapes.items():
            span = self._span(name)
            self._views[name] = self.data[span].reshape(shape)
            self._grad_views[name] = self.grad[span].reshape(shape)
            if name in decayed:
                self.decay_mask[span] = 1.0

    def _span(self, name: str) -> slice:
        start = self._offsets[name]
        return slice(start, start + math.prod(self.shapes[name]))

    @property
    def names(self) -> list[str]:
        return list(self.shapes)

    def offset(self, name: str) -> int:
        """Where `name` starts in the flat vectors (for fused kernels)."""
        return self._offsets[name]

    def __getitem__(self, name: str) -> np.ndarray:
        """The live (writable) view of parameter `name`."""
        return self._views[name]

    def grad_view(self, name: str) -> np.ndarray:
        """The live (writable) view of the gradient of `name`."""
        return self._grad_views[name]

    def to_dict(self) -> dict[str, np.ndarray]:
        """Copies of all parameters, keyed by name."""
        return {name: view.copy() for name, view in self._views.items()}

    def grads_dict(self) -> dict[str, np.ndarray]:
        """Copies of all gradients, keyed by name."""
        return {name: view.copy() for name, view in self._grad_views.items()}

    def load(self, values: Mapping[str, np.ndarray]) -> None:
        """Copy `values` into the buffer (every name must match in shape)."""
        missing = self.shapes.keys() - values.keys()
        extra = values.keys() - self.shapes.keys()
        if missing or extra:
            raise KeyError(
                f"parameter names differ: missing {sorted(missing)}, extra {sorted(extra)}"
            )
        for name, given in values.items():
            value = np.asarray(given)
            if value.shape != self.shapes[name]:
                raise ValueError(f"{name}: shape {value.shape}, expected {self.shapes[name]}")
            self._views[name][...] = value


# --------------------------------------------------------------------------
# Optimizer
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class OptimizerConfig:
    """How parameters are updated and how the learning rate changes over time.

    `lr` is the base rate; the schedule scales it as a pure function of the
    step number (see `scheduled_lr`). `weight_decay` is classic (coupled) L2:
    `weight_decay * w` is added to the gradient of every decayed parameter.
    """

    kind: OptimizerKind = "adam"
    lr: float = 0.01
    momentum: float = 0.9  # heavy-ball coefficient for kind="momentum"
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0
    schedule: ScheduleKind = "constant"
    step_size: int = 100  # "step": multiply by gamma every step_size steps
    gamma: float = 0.5  # "step"/"exponential" decay factor
    total_steps: int = 1000  # "cosine": steps to reach min_lr
    min_lr: float = 0.0  # "cosine": floor of the schedule

    def __post_init__(self) -> None:
        if self.kind not in OPTIMIZER_CODES:
            raise ValueError(f"unknown optimizer {self.kind!r}")
        if self.schedule not in ("constant", "step", "exponential", "cosine"):
            raise ValueError(f"unknown schedule {self.schedule!r}")
        if self.lr < 0 or self.weight_decay < 0:
            raise ValueError("lr and weight_decay must be >= 0")
        if not (0.0 <= self.beta1 < 1.0 and 0.0 <= self.beta2 < 1.0 and 0.0 <= self.momentum < 1.0):
            raise ValueError("beta1, beta2 and momentum must be in [0, 1)")
        if self.eps <= 0:
            raise ValueError("eps must be > 0")


def scheduled_lr(config: OptimizerConfig, base_lr: float, step: int) -> float:
    """Learning rate for optimizer step `step` (0-based): a pure function."""
    if config.schedule == "constant":
        return base_lr
    if config.schedule == "step":
        return base_lr * config.gamma ** (step // max(config.step_size, 1))
    if config.schedule == "exponential":
        return base_lr * config.gamma**step
    # cosine: from base_lr down to min_lr over total_steps, then stay there
    progress = min(step, config.total_steps) / max(config.total_steps, 1)
    return config.min_lr + 0.5 * (base_lr - config.min_lr) * (1.0 + math.cos(math.pi * progress))


UpdateArgs = tuple[
    np.ndarray, np.ndarray, int, float, float, float, float, float, float, float, float
]
"""(m, v, kind, lr, momentum, beta1, beta2, eps, weight_decay, 1/(1-beta1^t), 1/(1-beta2^t)):
the trailing arguments of `tutor.nn.optim.apply_update`."""


class Optimizer:
    """State (moments, step counter) of one optimizer over one flat vector."""

    def __init__(self, config: OptimizerConfig, size: int, dtype: np.dtype | type | str) -> None:
        self.config = config
        self.lr = config.lr  # base rate; settable while training
        self.t = 0  # updates done so far
        self._kind = OPTIMIZER_CODES[config.kind]
        # Moments exist for every kind so the kernel signature never changes.
        self.m = np.zeros(size, dtype=dtype)  # (P,) velocity / first moment
        self.v = np.zeros(size if config.kind == "adam" else 0, dtype=dtype)  # (P,) second moment

    @property
    def current_lr(self) -> float:
        """The rate the next update will use."""
        return scheduled_lr(self.config, self.lr, self.t)

    def reset(self) -> None:
        """Forget moments and restart the schedule."""
        self.t = 0
        self.m[:] = 0.0
        self.v[:] = 0.0

    def prepare_step(self) -> UpdateArgs:
        """Arguments for one `apply_update` call; counts the step as taken.

        Call exactly once per update (a fused kernel passes these through).
        """
        lr = self.current_lr
        self.t += 1
        return self._args(lr, self.t)

    def idle_args(self) -> UpdateArgs:
        """Well-typed arguments for a fused kernel that will NOT update (lr 0)."""
        return self._args(0.0, 1)

    def _args(self, lr: float, t: int) -> UpdateArgs:
        # Plain floats throughout: numba compiles one version per argument type.
        c = self.config
        correction1 = 1.0 / (1.0 - c.beta1**t)
        correction2 = 1.0 / (1.0 - c.beta2**t)
        return (
            self.m,
            self.v,
            self._kind,
            float(lr),
            float(c.momentum),
            float(c.beta1),
            float(c.beta2),
            float(c.eps),
            float(c.weight_decay),
            correction1,
            correction2,
        )

    def update(self, buffer: ParamBuffer) -> None:
        """Apply one update to `buffer.data` from `buffer.grad` (one kernel call)."""
        from tutor.nn.optim import apply_update  # lazy: imports numba

        apply_update(buffer.data, buffer.grad, buffer.decay_mask, *self.prepare_step())


# --------------------------------------------------------------------------
# A base class with the bookkeeping every parametric model repeats
# --------------------------------------------------------------------------


def classification_accuracy(probabilities: np.ndarray, y: np.ndarray) -> float:
    """Share of correct labels: threshold 0.5 for (N,) outputs, argmax for (N, C)."""
    y = np.asarray(y).reshape(-1)
    if probabilities.ndim == 1:
        predicted = (probabilities > 0.5).astype(y.dtype)
    else:
        predicted = probabilities.argmax(axis=1)
    return float(np.mean(predicted == y)) if y.size else float("nan")


class ParamModel:
    """Bookkeeping shared by models built on `ParamBuffer` + `Optimizer`.

    Subclasses set `self.buffer` and `self.optimizer` in `__init__` and
    implement `loss_and_grads`, `step`, `predict` and `inspect`.
    """

    buffer: ParamBuffer
    optimizer: Optimizer

    @property
    def params(self) -> dict[str, np.ndarray]:
        return self.buffer.to_dict()

    @params.setter
    def params(self, values: Mapping[str, np.ndarray]) -> None:
        self.buffer.load(values)

    @property
    def n_params(self) -> int:
        return self.buffer.size

    @property
    def lr(self) -> float:
        return self.optimizer.lr

    @lr.setter
    def lr(self, value: float) -> None:
        if value < 0:
            raise ValueError("learning rate must be >= 0")
        self.optimizer.lr = float(value)

    def predict(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        return classification_accuracy(self.predict(X), y)

"""The live demos a slide may name in its `demo:` field, and their parameters.

A slide says `demo: lr-race rates=0.01,0.3,1.1`; the spec of `lr-race` says
that `rates` is a list of 2 to 4 floats in [1e-4, 10] and what it means.
`dltutor check` reports a misspelt or out-of-range parameter at the slide's
`demo:` line, and `Demo.params` holds typed values with every default filled
in, so a widget never parses strings. The widgets live in the UI layer and
register by these names.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from tutor.content.model import Demo, ParamValue

Kind = Literal["int", "float", "choice", "word", "ints", "floats", "bool"]

_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}
_WORD = re.compile(r"[a-z][a-z0-9-]*")


@dataclass(frozen=True)
class Param:
    """One parameter of a demo: how it is written, checked and defaulted."""

    name: str
    kind: Kind
    default: ParamValue
    help: str
    """One line: what the parameter changes in the demo."""
    low: float | None = None
    """Smallest value allowed (each item, for lists)."""
    high: float | None = None
    choices: tuple[str, ...] = ()
    """Allowed values of a `choice` parameter."""
    items: tuple[int, int] = (1, 8)
    """Fewest and most items of a list parameter."""

    def parse(self, raw: str) -> ParamValue:
        """The typed value of `raw`; ValueError saying what is wrong otherwise."""
        if self.kind == "bool":
            low = raw.lower()
            if low in _TRUE | _FALSE:
                return low in _TRUE
            raise ValueError(f"{self.name}={raw}: expected true or false")
        if self.kind == "choice":
            if raw in self.choices:
                return raw
            raise ValueError(f"{self.name}={raw}: expected one of {', '.join(self.choices)}")
        if self.kind == "word":
            if _WORD.fullmatch(raw):
                return raw
            raise ValueError(f"{self.name}={raw}: expected one lowercase word")
        if self.kind in ("int", "float"):
            return self._number(raw, raw)
        parts = raw.split(",")
        lo, hi = self.items
        if not lo <= len(parts) <= hi:
            count = f"{lo}" if lo == hi else f"{lo} to {hi}"
            raise ValueError(f"{self.name}={raw}: expected {count} comma-separated values, "
                             f"got {len(parts)}")
        return tuple(self._number(p.strip(), raw) for p in parts)  # type: ignore[return-value]

    def _number(self, text: str, written: str) -> int | float:
        """One number `text` of the value `written` (quoted whole in messages)."""
        whole = self.kind in ("int", "ints")
        where = f"{self.name}={written}"
        try:
            value: int | float = int(text) if whole else float(text)
        except ValueError:
            kind = "a whole number" if whole else "a number"
            raise ValueError(f"{where}: expected {kind}") from None
        if not math.isfinite(value):
            raise ValueError(f"{where}: expected a finite number")
        if (self.low is not None and value < self.low) or (
                self.high is not None and value > self.high):
            raise ValueError(f"{where}: {text} is out of range "
                             f"{_num(self.low)} to {_num(self.high)}")
        return value

    def describe(self) -> str:
        """`rates: 2 to 4 floats in [0.0001, 10], default 0.01,0.3,1.1 - ...`"""
        if self.kind == "choice":
            what = "one of " + ", ".join(self.choices)
        elif self.kind in ("bool", "word"):
            what = self.kind
        else:
            what = self.kind if self.kind in ("int", "float") else f"list of {self.kind}"
            what += f" in [{_num(self.low)}, {_num(self.high)}]"
        default = (",".join(_num(v) for v in self.default)
                   if isinstance(self.default, tuple) else _num(self.default))
        return f"{self.name}: {what}, default {default} - {self.help}"


def _num(value: object) -> str:
    if value is None:
        return "any"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class DemoSpec:
    name: str
    title: str
    """Shown to learners, e.g. in the note of a demo that is not built yet."""
    summary: str
    """One sentence: what the demo shows and lets the learner do."""
    params: tuple[Param, ...] = ()

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        raise KeyError(name)

    def defaults(self) -> dict[str, ParamValue]:
        return {p.name: p.default for p in self.params}

    def typed(self, raw: Mapping[str, str]) -> tuple[dict[str, ParamValue], list[str]]:
        """Typed values for `raw` (defaults for the rest) and every problem found."""
        values = self.defaults()
        problems: list[str] = []
        names = [p.name for p in self.params]
        for key, text in raw.items():
            if key not in names:
                problems.append(_unknown(self.name, key, names))
                continue
            try:
                values[key] = self.param(key).parse(text)
            except ValueError as exc:
                problems.append(str(exc))
        return values, problems


def _unknown(demo: str, key: str, names: list[str]) -> str:
    if not names:
        return f"demo '{demo}' takes no parameters (got '{key}')"
    close = difflib.get_close_matches(key, names, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown parameter '{key}' for demo '{demo}' ({hint}known: {', '.join(names)})"


def split_demo(text: str) -> tuple[str, dict[str, str]]:
    """`lr-race rates=0.01,0.3 data=moons` -> ('lr-race', {'rates': ..., 'data': ...})."""
    words = text.split()
    if not words:
        raise ValueError("demo needs a name")
    name, *options = words
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"demo name {name!r} must be lowercase letters, digits and hyphens")
    raw: dict[str, str] = {}
    for option in options:
        key, eq, value = option.partition("=")
        if not eq or not key or not value:
            raise ValueError(f"demo parameter {option!r} must look like key=value")
        if key in raw:
            raise ValueError(f"demo parameter '{key}' given twice")
        raw[key] = value
    return name, raw


def parse_demo(text: str) -> Demo:
    """The typed `Demo` a `demo:` line asks for; ValueError listing every problem."""
    name, raw = split_demo(text)
    spec = DEMOS.get(name)
    if spec is None:
        close = difflib.get_close_matches(name, DEMOS, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ValueError(f"unknown demo '{name}' ({hint}known: {', '.join(sorted(DEMOS))})")
    params, problems = spec.typed(raw)
    if problems:
        raise ValueError("; ".join(problems))
    return Demo(name, params)


# -- the parameters shared by several demos -------------------------------------

_DATA = ("circles", "moons", "xor", "spiral", "blobs")
_ACTIVATIONS = ("relu", "sigmoid", "tanh", "leaky_relu", "gelu", "identity")


def _data(default: str) -> Param:
    return Param("data", "choice", default, "the 2-D point set the model learns",
                 choices=_DATA)


def _hidden(default: tuple[int, ...]) -> Param:
    return Param("hidden", "ints", default, "units in each hidden layer", low=1, high=256,
                 items=(1, 4))


def _lr(default: float) -> Param:
    return Param("lr", "float", default, "learning rate", low=1e-5, high=10.0)


def _spec(name: str, title: str, summary: str, *params: Param) -> DemoSpec:
    return DemoSpec(name, title, summary, params)


_SPECS = (
    _spec("simple-vs-deep", "Simple model vs deep net",
          "Logistic regression on squared features races an MLP on raw (x, y); a table "
          "compares accuracy, parameter count and time.",
          _data("circles"), _hidden((16, 16))),
    _spec("one-neuron", "One neuron",
          "One neuron's output drawn over the input plane; keys change w1, w2, b and the "
          "activation, and the formula shows the numbers.",
          Param("activation", "choice", "sigmoid", "the neuron's activation",
                choices=_ACTIVATIONS),
          Param("w1", "float", 1.0, "weight on x1", low=-10, high=10),
          Param("w2", "float", 1.0, "weight on x2", low=-10, high=10),
          Param("b", "float", 0.0, "bias", low=-10, high=10)),
    _spec("linear-vs-nonlinear", "Linear vs non-linear",
          "The same deep net trained with identity and with ReLU activations: one "
          "boundary stays straight, the other bends.",
          _data("circles"),
          Param("layers", "int", 3, "hidden layers", low=1, high=6),
          Param("width", "int", 8, "units per hidden layer", low=1, high=64)),
    _spec("activation-explorer", "Activation explorer",
          "An activation function and its derivative, with a cursor on z showing both "
          "values and where the function saturates.",
          Param("fn", "choice", "relu", "the activation shown first",
                choices=("relu", "sigmoid", "tanh", "leaky_relu", "gelu"))),
    _spec("softmax", "Softmax bars",
          "Editable scores turned into probabilities that sum to 1; temperature moves "
          "them between the arg-max and uniform.",
          Param("scores", "floats", (2.0, 1.0, 0.1), "the scores (logits), one per class",
                low=-20, high=20, items=(2, 8)),
          Param("temperature", "float", 1.0, "divides the scores before the softmax",
                low=0.01, high=100)),
    _spec("step-training", "Step-through training",
          "One key, one training step: prediction, loss, gradients and update with the "
          "real numbers; another key runs.",
          _data("moons"), _hidden((8,)), _lr(0.5)),
    _spec("lr-race", "Learning-rate race",
          "The same model trained at several learning rates on one chart: too small "
          "crawls, too large overshoots or diverges.",
          Param("rates", "floats", (0.01, 0.3, 1.1), "the learning rates that race",
                low=1e-5, high=10, items=(2, 4)),
          _data("moons")),
    _spec("overfitting", "Overfitting and early stopping",
          "A big net on a small noisy set: training loss keeps falling while validation "
          "loss turns up; the best step is marked.",
          Param("points", "int", 40, "training points", low=10, high=2000),
          Param("noise", "float", 0.3, "noise added to the points", low=0, high=1),
          _hidden((64, 64)), _data("moons")),
    _spec("hyperparameter-lab", "Hyperparameter lab",
          "Learning rate, schedule, batch size and dropout knobs; every run kept in a "
          "results table, and a small automatic search.",
          _lr(0.1),
          Param("schedule", "choice", "constant", "how the learning rate changes over a run",
                choices=("constant", "step", "cosine")),
          Param("batch", "int", 32, "mini-batch size", low=1, high=1024),
          Param("dropout", "float", 0.0, "share of hidden units dropped while training",
                low=0, high=0.9),
          _data("spiral")),
    _spec("convolution", "Convolution",
          "A kernel slides over a small image and fills in the feature map, then max "
          "pooling; or a tiny CNN trained on shapes.",
          Param("kernel", "choice", "vertical-edge", "the kernel that slides",
                choices=("vertical-edge", "horizontal-edge", "blur", "sharpen", "identity")),
          Param("image", "int", 5, "side of the picture the kernel slides over, in pixels",
                low=5, high=12),
          Param("mode", "choice", "slide", "slide a fixed kernel, or train a CNN",
                choices=("slide", "train"))),
    _spec("memory-over-time", "Memory over time",
          "A plain RNN and a GRU race on a task that needs something N steps back; the "
          "gradient per time step shows why.",
          Param("cell", "choice", "rnn", "the recurrent cell shown first",
                choices=("rnn", "gru", "lstm")),
          Param("gap", "int", 5, "steps between the cue and the answer", low=1, high=60)),
    _spec("attention-map", "Attention map",
          "A sentence with one token's attention weights over the others, the full map, "
          "and a tiny attention model that learns a pattern.",
          Param("token", "choice", "cat", "the token whose weights are shown first",
                choices=("the", "cat", "sat", "on", "mat"))),
    _spec("matmul", "Matrix multiplication",
          "The same multiply timed as a Python loop, numpy and a numba kernel, and the "
          "error of lower precisions.",
          Param("n", "int", 200, "matrix size (n x n)", low=8, high=1000),
          Param("precision", "choice", "float32", "the lower precision compared",
                choices=("float16", "float32", "float64"))),
    _spec("label-noise", "Label noise",
          "A share of training labels flipped; test accuracy follows it down.",
          Param("noise", "float", 0.2, "share of training labels flipped", low=0, high=0.5),
          _data("moons")),
    _spec("transfer", "Transfer learning",
          "A frozen backbone with a new head trained on a few examples races a model "
          "trained from scratch on the same few.",
          Param("examples", "int", 20, "labelled examples for the new task", low=3, high=1000)),
    _spec("framework-code", "One model in three frameworks",
          "The same small model in PyTorch, Keras and JAX, one key apart.",
          Param("framework", "choice", "pytorch", "the framework shown first",
                choices=("pytorch", "keras", "jax")),
          Param("layers", "ints", (2, 16, 1), "layer sizes from input to output", low=1,
                high=1024, items=(2, 6))),
    _spec("decision-guide", "Do I need my own model?",
          "A keyboard decision tree that ends in a recommendation and the slide that "
          "teaches it."),
)

DEMOS: dict[str, DemoSpec] = {spec.name: spec for spec in _SPECS}
"""Demo name -> its spec."""


def demo_title(name: str) -> str:
    spec = DEMOS.get(name)
    return spec.title if spec else name


def describe_demos() -> str:
    """Every demo with its parameters, for `dltutor check --demos`."""
    blocks = []
    for spec in DEMOS.values():
        lines = [f"{spec.name}: {spec.title}", f"  {spec.summary}"]
        lines += [f"    {param.describe()}" for param in spec.params] or ["    (no parameters)"]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)

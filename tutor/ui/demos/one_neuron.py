"""`one-neuron`: y = activation(w1·x1 + w2·x2 + b) drawn over the input plane.

Keys: Up/Down pick what `+`/`-` change (w1, w2, b, or the cursor's x1 or
x2), `a` cycles the activation, r goes back to the slide's numbers. The
formula shows the current numbers; a cursor on the plane reads the output
there. Values come from the engine's activation kernel, compiled off the UI
thread on a first run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from tutor.lessons.activation_explorer import evaluate
from tutor.lessons.one_neuron import (
    ACTIVATIONS,
    EXTENT,
    Neuron,
    colour_range,
    pixel_of,
    plane,
    verdict,
)
from tutor.ui.demos.base import DemoWidget
from tutor.ui.demos.registry import register
from tutor.ui.widgets.lines_view import LinesView
from tutor.viz.heatmap import heatmap

KNOBS = ("w1", "w2", "b", "x1", "x2")
STEPS = {"w1": 0.25, "w2": 0.25, "b": 0.25, "x1": 0.25, "x2": 0.25}
MAX_PLANE_LINES = 16


@register("one-neuron")
class OneNeuron(DemoWidget):
    FPS = 0  # drawn on keys and once the kernel is ready
    HEIGHT = 16
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("up", "select(-1)", "Pick w1 w2 b x1 x2"),
        Binding("down", "select(1)", "Next knob", show=False),
        Binding("plus,equals_sign", "change(1)", "+"),
        Binding("minus", "change(-1)", "-"),
        Binding("a", "activation", "Activation"),
        Binding("r", "reset", "Slide's numbers"),
    ]
    DEFAULT_CSS = """
    OneNeuron > .neuron-formula { height: auto; text-style: bold; }
    OneNeuron > .neuron-knobs { height: 1; }
    OneNeuron > LinesView { height: 1fr; }
    OneNeuron > .neuron-cursor { height: auto; }
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.neuron = self.initial = Neuron.from_demo(self.demo)
        self.cursor = (1.0, 1.0)
        self.selected = 0
        self.kernel_ready = False
        self.error: str | None = None

    def compose_demo(self) -> Iterable[Widget]:
        yield Static("", classes="neuron-formula", markup=False)
        yield Static("", classes="neuron-knobs", markup=False)
        yield LinesView(classes="neuron-plane")
        yield Static("", classes="neuron-cursor", markup=False)

    def start(self) -> None:
        # The first kernel call compiles it (seconds on a cold cache): not on the UI thread.
        self.prepare(lambda: [evaluate(name, self.neuron.z(0.0, 0.0).reshape(1).astype("f4"))
                              for name in ACTIVATIONS])

    def ready(self, result: object, error: BaseException | None) -> None:
        self.kernel_ready = error is None
        self.error = None if error is None else f"the engine's kernel failed: {error}"

    @property
    def cursor_value(self) -> float:
        """The neuron's output at the cursor, by the engine's kernel."""
        x1, x2 = self.cursor
        return float(self.neuron.outputs(x1, x2))

    def draw(self) -> None:
        n = self.neuron
        self.query_one(".neuron-formula", Static).update(Text(self.plain(n.formula()), style=""))
        knobs = Text(style="")
        values = {"w1": n.w1, "w2": n.w2, "b": n.b, "x1": self.cursor[0], "x2": self.cursor[1]}
        for i, knob in enumerate(KNOBS):
            label = f"{knob} {values[knob]:+g}"
            if i == self.selected:
                knobs.append(f"[{label}]", style="bold reverse")
            else:
                knobs.append(f" {label} ", style="")
            knobs.append(" ", style="")
        self.query_one(".neuron-knobs", Static).update(knobs)
        if not self.kernel_ready:
            self.set_status(self.error or "preparing the engine, first run on this machine: "
                            "compiling the activation kernel")
            return
        self._draw_plane()
        x1, x2 = self.cursor
        z = float(n.z(x1, x2))
        self.query_one(".neuron-cursor", Static).update(Text(self.plain(
            f"cursor ◆ at x1 = {x1:+g}, x2 = {x2:+g}:  z = {z:+.3g},  y = {self.cursor_value:.3g}"),
            style=""))
        lo, hi = EXTENT[0], EXTENT[1]
        self.set_status(f"plane: x1 {lo:g} to {hi:g} left to right, x2 {lo:g} to {hi:g} "
                        "bottom to top")
        self.lesson_visible(verdict(n))

    def _draw_plane(self) -> None:
        view = self.query_one(LinesView)
        width, height = view.size
        if width <= 2 or height <= 2:
            return
        # The last line is the colour scale; a bigger plane teaches nothing more
        # and every key repaints all of it (bytes sent to the terminal).
        lines = min(height - 1, MAX_PLANE_LINES)
        half = self.graphics.half_blocks
        rows = lines * 2 if half else lines
        # Square pixels: half blocks are about square, whole cells twice as tall as wide.
        cols = min(width, rows if half else rows * 2)
        values = plane(self.neuron, cols, rows)
        vmin, vmax = colour_range(self.neuron)
        drawn = heatmap(values, self.graphics, vmin=vmin, vmax=vmax, cell_width=1,
                        diverging=vmin < 0)
        row, col = pixel_of(*self.cursor, cols, rows)
        line = row // 2 if half else row
        if 0 <= line < len(drawn) - 1:
            mark = Text(self.graphics.glyph("◆", "X"), style=self.graphics.highlight)
            text = drawn[line]
            drawn[line] = text[:col] + mark + text[col + 1:]
        view.set_lines(drawn)

    def action_select(self, step: int) -> None:
        self.selected = (self.selected + step) % len(KNOBS)
        self.redraw()

    def action_change(self, sign: int) -> None:
        knob = KNOBS[self.selected]
        delta = sign * STEPS[knob]
        if knob in ("x1", "x2"):
            x1, x2 = self.cursor
            lo, hi = EXTENT[0], EXTENT[1]
            if knob == "x1":
                x1 = min(max(x1 + delta, lo), hi)
            else:
                x2 = min(max(x2 + delta, lo), hi)
            self.cursor = (x1, x2)
        else:
            self.neuron = self.neuron.nudged(knob, delta)
        self.redraw()

    def action_activation(self) -> None:
        current = ACTIVATIONS.index(self.neuron.activation) if (
            self.neuron.activation in ACTIVATIONS) else -1
        self.neuron = replace(self.neuron,
                              activation=ACTIVATIONS[(current + 1) % len(ACTIVATIONS)])
        self.redraw()

    def action_reset(self) -> None:
        self.neuron = self.initial
        self.cursor = (1.0, 1.0)
        self.redraw()

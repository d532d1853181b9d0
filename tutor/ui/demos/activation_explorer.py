"""`activation-explorer`: an activation and its derivative, with a cursor on z.

Keys: `,` and `.` move the cursor (Left/Right belong to the deck), `<` and
`>` move it faster, 1-5 or `f` pick the function (ReLU, sigmoid, tanh, then
LeakyReLU and GELU). The curves are computed by the engine's own kernel
(`tutor.lessons.activation_explorer`), compiled off the UI thread on the
first run on a machine; until then the demo says it is preparing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import numpy as np
from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from tutor.lessons.activation_explorer import (
    FUNCTIONS,
    NAMES,
    Curves,
    Settings,
    all_curves,
    describe_saturation,
    verdict,
)
from tutor.ui.demos.base import DemoWidget
from tutor.ui.demos.registry import register
from tutor.ui.widgets.lines_view import LinesView
from tutor.viz.linechart import Series, line_chart

STEP = 5  # grid points per key press: 0.25 in z (the grid step is 0.05)


@register("activation-explorer")
class ActivationExplorer(DemoWidget):
    FPS = 0  # drawn on keys and once the kernel is ready
    HEIGHT = 16
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("comma", "move(-1)", "z -"),
        Binding("full_stop", "move(1)", "z +"),
        Binding("less_than_sign", "move(-4)", "z - 1", show=False),
        Binding("greater_than_sign", "move(4)", "z + 1", show=False),
        Binding("f", "cycle", "Next function"),
        *(Binding(str(i + 1), f"pick('{name}')", NAMES[name], show=False)
          for i, name in enumerate(FUNCTIONS)),
    ]
    DEFAULT_CSS = """
    ActivationExplorer > .act-readout { height: auto; text-style: bold; }
    ActivationExplorer > LinesView { height: 1fr; min-height: 8; max-height: 22; }
    ActivationExplorer > .act-saturation { height: auto; color: $text-muted; }
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.name_shown = Settings.from_demo(self.demo).first
        self.curves: dict[str, Curves] = {}
        """Filled once the kernel has run (empty while preparing)."""
        self.cursor = 0
        self.error: str | None = None

    def compose_demo(self) -> Iterable[Widget]:
        yield Static("", classes="act-readout", markup=False)
        yield LinesView(classes="act-chart")
        yield Static("", classes="act-saturation", markup=False)

    def start(self) -> None:
        self.prepare(all_curves)

    def ready(self, result: object, error: BaseException | None) -> None:
        if error is not None or not isinstance(result, dict):
            self.error = f"the engine's kernel failed: {error}"
            return
        self.curves = result
        self.cursor = len(self.current.z) * 3 // 4  # z = +3: where sigmoid and tanh flatten

    @property
    def current(self) -> Curves:
        return self.curves[self.name_shown]

    @property
    def cursor_z(self) -> float:
        return float(self.current.z[self.cursor])

    def draw(self) -> None:
        view = self.query_one(LinesView)
        if not self.curves:
            self.set_status(self.error or "preparing the engine, first run on this machine: "
                            "compiling the activation kernel")
            return
        c = self.current
        i = self.cursor
        name = NAMES[c.name]
        readout = f"{name}   z = {c.z[i]:+.2f}   f(z) = {c.f[i]:.4g}   f'(z) = {c.df[i]:.4g}"
        self.query_one(".act-readout", Static).update(Text(self.plain(readout), style=""))
        width, height = view.size
        if width > 0 and height > 0:
            view.set_lines(line_chart(
                [Series(f"f(z) = {name}", c.z, c.f), Series("f'(z)", c.z, c.df)],
                width, height, self.graphics, marker_x=self.cursor_z,
                marker_label=f"z={self.cursor_z:+.2f}"))
        self.query_one(".act-saturation", Static).update(
            Text(self.plain(describe_saturation(c)), style=""))
        self.set_status("keys: , . move z · f or 1-5 pick the function")
        self.lesson_visible(verdict(c, i))

    def action_move(self, steps: int) -> None:
        if self.curves:
            last = len(self.current.z) - 1
            self.cursor = int(np.clip(self.cursor + steps * STEP, 0, last))
            self.redraw()

    def action_cycle(self) -> None:
        self.action_pick(FUNCTIONS[(FUNCTIONS.index(self.name_shown) + 1) % len(FUNCTIONS)])

    def action_pick(self, name: str) -> None:
        self.name_shown = name
        self.redraw()

"""linear-vs-nonlinear: the same deep net with identity activations and with
ReLU, trained side by side; each boundary is titled with its accuracy and
whether one straight line separates its classes (see
`tutor.lessons.linear_vs_nonlinear`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget

from tutor.lessons import linear_vs_nonlinear as lesson
from tutor.ui.demos.registry import register
from tutor.ui.demos.runs import CPU_SHARE, Panel, TrainingDemo, draw_boundary
from tutor.ui.demos.status import status_line
from tutor.ui.widgets.lines_view import LinesView


@register("linear-vs-nonlinear")
class LinearVsNonlinear(TrainingDemo):
    FPS = 2.0
    HEIGHT = 14
    DEFAULT_CSS = """
    LinearVsNonlinear > Horizontal { height: 1fr; }
    LinearVsNonlinear .boundary { width: 1fr; height: 1fr; margin-right: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_run", "Pause/run"),
        Binding("r", "retrain", "Retrain (new seed)"),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        with Horizontal():
            for activation in lesson.ACTIVATIONS:
                yield Panel(id=f"lvn-{activation}", classes="boundary")

    def start(self) -> None:
        self.settings = lesson.Settings.from_params(self.demo.params)
        self.begin()

    def begin(self) -> None:
        self.new_generation()
        self.data = lesson.dataset(self.settings, self.seed)
        self.area = lesson.plane(self.data)
        self.specs = specs = lesson.runs(self.settings, self.data)
        for spec in specs:
            self.train(spec, spec.name, share=CPU_SHARE / len(specs), seed=self.seed,
                       run=self.running)
        self.outcomes: dict[tuple[str, int], lesson.Outcome] = {}

    def outcome(self, activation: str) -> lesson.Outcome | None:
        """The measured outcome of a run, once per snapshot (the line check costs)."""
        snapshot = self.snap(activation)
        if snapshot is None:
            return None
        key = (activation, snapshot.version)
        if key not in self.outcomes:
            self.outcomes = {k: v for k, v in self.outcomes.items() if k[0] != activation}
            self.outcomes[key] = lesson.outcome(activation, snapshot, self.area)
        return self.outcomes[key]

    def draw(self) -> None:
        outcomes = []
        for activation, spec in zip(lesson.ACTIVATIONS, self.specs, strict=True):
            snapshot = self.snap(activation)
            result = self.outcome(activation)
            title = f"{activation}: starting" if result is None else lesson.describe(result)
            draw_boundary(self.query_one(f"#lvn-{activation}", LinesView), self.graphics,
                          self.plain(title), spec, snapshot)
            outcomes.append(result)
        relu = self.snap("relu")
        self.set_status((status_line(relu, "ReLU") if relu else "starting") + self.paused_note())
        linear, bent = outcomes
        if linear is not None and bent is not None and lesson.shown(linear, bent):
            self.lesson_visible("no activation: one straight line; ReLU: bent around the ring")


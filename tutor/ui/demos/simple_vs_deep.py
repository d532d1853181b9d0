"""simple-vs-deep: logistic regression on x², y² and an MLP on x, y, trained
side by side on the same points; a table compares accuracy, parameters and
training time (see `tutor.lessons.simple_vs_deep`).

The time column is training alone: once both runs are done, one step of
each model is timed off the UI thread, and the table shows steps to 95%
times that. The trainers' own clocks would count the drawing too, which
costs the same for both."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget

from tutor.lessons import simple_vs_deep as lesson
from tutor.lessons.runs import seconds_per_step
from tutor.nn.snapshot import Snapshot
from tutor.ui.demos.registry import register
from tutor.ui.demos.runs import CPU_SHARE, Panel, TrainingDemo, draw_boundary, stopped
from tutor.ui.demos.status import status_line
from tutor.ui.widgets.lines_view import LinesView
from tutor.viz.table import table

SOURCES = ("simple", "deep")


@register("simple-vs-deep")
class SimpleVsDeep(TrainingDemo):
    FPS = 2.0
    HEIGHT = 16
    DEFAULT_CSS = """
    SimpleVsDeep > Horizontal { height: 1fr; }
    SimpleVsDeep .boundary { width: 1fr; height: 1fr; margin-right: 1; }
    SimpleVsDeep #svd-table { height: 4; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_run", "Pause/run"),
        Binding("r", "retrain", "Retrain (new seed)"),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        with Horizontal():
            yield Panel(id="svd-simple", classes="boundary")
            yield Panel(id="svd-deep", classes="boundary")
        yield Panel(id="svd-table")

    def start(self) -> None:
        self.settings = lesson.Settings.from_params(self.demo.params)
        self.begin()

    def begin(self) -> None:
        self.new_generation()
        self.step_seconds: tuple[float, ...] = (math.nan, math.nan)
        self.timing = False
        self.data = lesson.dataset(self.settings, self.seed)
        self.specs = lesson.runs(self.settings, self.data)
        share = CPU_SHARE / len(self.specs)
        for source, spec in zip(SOURCES, self.specs, strict=True):
            self.train(spec, source, share=share, seed=self.seed, run=self.running)

    def published(self, source: str, snapshot: Snapshot) -> None:
        super().published(source, snapshot)
        self._time_steps()

    def rows(self) -> list[lesson.Row] | None:
        snaps = [self.snap(s) for s in SOURCES]
        if any(s is None for s in snaps):
            return None
        return [lesson.row(spec.name, snap, cost)
                for spec, snap, cost in zip(self.specs, snaps, self.step_seconds, strict=True)
                if snap is not None]

    def _time_steps(self) -> None:
        """Once both runs are done, time one training step of each, off the UI thread."""
        if self.timing or not all(stopped(self.snap(s)) for s in SOURCES):
            return
        self.timing = True
        specs, seed = self.specs, self.seed
        self.prepare(lambda: (specs, tuple(seconds_per_step(spec, seed) for spec in specs)))

    def ready(self, result: object, error: BaseException | None) -> None:
        if isinstance(result, tuple) and result[0] is self.specs:
            self.step_seconds = result[1]
            self.changed()

    def draw(self) -> None:
        for source, spec in zip(SOURCES, self.specs, strict=True):
            draw_boundary(self.query_one(f"#svd-{source}", LinesView), self.graphics,
                          self.plain(spec.name), spec, self.snap(source))
        view = self.query_one("#svd-table", LinesView)
        rows = self.rows()
        cells = [] if rows is None else [
            (self.plain(r.name), f"{r.n_params:,}",
             "—" if r.accuracy != r.accuracy else f"{r.accuracy:.0%}",
             "—" if r.steps_to_target is None else f"{r.steps_to_target}",
             _ms(r.time_to_target)) for r in rows]
        target = f"{lesson.TARGET:.0%}"
        view.set_lines(table(("model", "params", "accuracy", f"steps to {target}",
                              f"time to {target}"), cells, view.size.width, self.graphics,
                             align=("left", "right", "right", "right", "right")))
        deep = self.snap("deep")
        self.set_status((status_line(deep, "MLP") if deep else "starting") + self.paused_note())
        if rows is not None:
            verdict = lesson.verdict(rows)
            if all(stopped(self.snap(s)) for s in SOURCES) or "both reach" in verdict:
                self.lesson_visible(verdict)


def _ms(seconds: float) -> str:
    """Training time in milliseconds, "…" while it is being measured."""
    return "…" if math.isnan(seconds) else f"{seconds * 1e3:.1f} ms"


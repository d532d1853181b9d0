"""step-training: one key, one step of gradient descent, its four stages
with the real numbers; another key lets it run while the loss curve and the
boundary follow (see `tutor.lessons.step_training`).

The numbers come from the two snapshots around the step, compared as the
trainer publishes them; "again" (the loss after the step) is computed there
too, off the UI thread, on a private copy of the model, never the trainer's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget

from tutor.lessons import step_training as lesson
from tutor.nn.snapshot import Snapshot
from tutor.ui.demos.registry import register
from tutor.ui.demos.runs import (
    CPU_SHARE,
    Panel,
    TrainingDemo,
    draw_boundary,
    draw_curves,
    loss_series,
    title_line,
)
from tutor.ui.demos.status import status_line
from tutor.ui.widgets.lines_view import LinesView

STAGE_LINES = 5
PLAIN = Style()


@register("step-training")
class StepTraining(TrainingDemo):
    FPS = 8.0
    HEIGHT = 16
    DEFAULT_CSS = """
    StepTraining #st-stages { height: 5; }
    StepTraining > Horizontal { height: 1fr; }
    StepTraining #st-boundary, StepTraining #st-curve { width: 1fr; height: 1fr; }
    StepTraining #st-boundary { margin-right: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "step", "One step"),
        Binding("space", "toggle_run", "Run/pause"),
        Binding("plus,equals_sign", "lr(2)", "lr x2"),
        Binding("minus", "lr(0.5)", "lr /2"),
        Binding("r", "restart", "Restart"),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        yield Panel(id="st-stages")
        with Horizontal():
            yield Panel(id="st-boundary")
            yield Panel(id="st-curve")

    def start(self) -> None:
        self.settings = lesson.Settings.from_params(self.demo.params)
        self.data = lesson.dataset(self.settings)
        self.loss_at = lesson.LossAt(self.settings, self.data)
        self.running = False
        self.lr = self.settings.lr
        self.report: lesson.StepReport | None = None
        self._seen: Snapshot | None = None
        self.run_spec = lesson.run(self.settings, self.data)
        self.trainer = self.train(self.run_spec, "run", share=CPU_SHARE, run=False,
                                  also=self._observe)
        self.trainer.step_once()  # the first step's numbers are the lesson: show them at once

    def _observe(self, snapshot: Snapshot) -> None:
        """Every snapshot, in the trainer's thread (the UI may skip some): the
        report of the step(s) since the previous one, with the loss after a
        single step computed on a private model. Only `self.report` is shared,
        replaced whole."""
        seen, self._seen = self._seen, snapshot
        if seen is not None and snapshot.step < seen.step:
            self.report = None  # restarted
            return
        report = None if seen is None else lesson.report_between(seen, snapshot, self.data)
        if report is not None:
            if report.steps == 1:
                report = replace(report, loss_after=self.loss_at(snapshot.params))
            self.report = report

    def draw(self) -> None:
        stages = self.query_one("#st-stages", LinesView)
        width = stages.size.width
        if self.report is None:
            text = ["press s for one step of gradient descent, space to run"]
        else:
            text = [self.plain(line) for line in lesson.describe(self.report)]
        stages.set_lines([title_line(line, width, PLAIN)
                          for line in (text + [""] * STAGE_LINES)[:STAGE_LINES]])
        snapshot = self.snap("run")
        draw_boundary(self.query_one("#st-boundary", LinesView), self.graphics,
                      "decision boundary", self.run_spec, snapshot)
        draw_curves(self.query_one("#st-curve", LinesView), self.graphics,
                    [loss_series("training loss", snapshot)],
                    x_range=(0, max(10, snapshot.step if snapshot else 0)))
        self.set_status(status_line(snapshot, f"η {self.lr:g}") if snapshot else "starting")
        report = self.report
        if report is not None and report.steps == 1 and report.loss_after == report.loss_after:
            self.lesson_visible(self.plain(
                f"step {report.step}: each weight moved by η × its gradient; "
                f"loss {report.loss:.4f} → {report.loss_after:.4f}"))

    def action_step(self) -> None:
        self.running = False
        self.trainer.step_once()
        self.redraw()

    def action_toggle_run(self) -> None:
        self.running = not self.running
        if self.running:
            self.trainer.start()
        else:
            self.trainer.pause()
        self.redraw()

    def action_lr(self, factor: float) -> None:
        self.lr = min(max(self.lr * factor, 1e-4), 10.0)
        self.trainer.set_lr(self.lr)
        self.redraw()

    def action_restart(self) -> None:
        self.running = False
        self.trainer.reset()
        self.trainer.step_once()  # as at the start: the first step's numbers at once
        self.redraw()

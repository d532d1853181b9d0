"""overfitting: a big net on a small noisy set; training and validation loss
on one chart with the best validation step marked, and the boundary at that
step next to the boundary now (see `tutor.lessons.overfitting`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget

from tutor.lessons import overfitting as lesson
from tutor.ui.demos.registry import register
from tutor.ui.demos.runs import (
    CPU_SHARE,
    Panel,
    TrainingDemo,
    draw_boundary,
    draw_curves,
    loss_series,
)
from tutor.ui.demos.status import status_line


@register("overfitting")
class Overfitting(TrainingDemo):
    FPS = 3.0
    HEIGHT = 16
    DEFAULT_CSS = """
    Overfitting #of-curves { height: 1fr; }
    Overfitting > Horizontal { height: 1fr; }
    Overfitting .boundary { width: 1fr; height: 1fr; margin-right: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_run", "Pause/run"),
        Binding("r", "retrain", "New points and weights"),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        yield Panel(id="of-curves")
        with Horizontal():
            yield Panel(id="of-best", classes="boundary")
            yield Panel(id="of-now", classes="boundary")

    def start(self) -> None:
        self.settings = lesson.Settings.from_params(self.demo.params)
        self.begin()

    def begin(self) -> None:
        self.new_generation()
        self.data = lesson.dataset(self.settings, self.seed)
        self.best = lesson.BestSoFar()
        self.run_spec = lesson.run(self.settings, self.data)
        self.train(self.run_spec, "run", share=CPU_SHARE, seed=self.seed, run=self.running,
                   also=self.best.offer)

    def draw(self) -> None:
        snapshot = self.snap("run")
        result = None if snapshot is None else lesson.measure(snapshot)
        marker = None if result is None else float(result.best_step)
        draw_curves(self.query_one("#of-curves", Panel), self.graphics,
                    [loss_series("training", snapshot),
                     loss_series("validation", snapshot, validation=True)],
                    title=self.plain(f"loss: {self.settings.points} noisy training points, "
                                     f"{lesson.VAL_POINTS} validation points"),
                    x_range=(0, self.settings.steps), marker_x=marker,
                    marker_label="best validation")
        best = self.best.best
        best_title = "best validation step" if best is None else (
            f"at step {best.step} (best validation)")
        draw_boundary(self.query_one("#of-best", Panel), self.graphics, best_title, self.run_spec,
                      best)
        now = "now" if snapshot is None else f"now, step {snapshot.step}"
        draw_boundary(self.query_one("#of-now", Panel), self.graphics, now, self.run_spec,
                      snapshot)
        self.set_status((status_line(snapshot) if snapshot else "starting") + self.paused_note())
        if result is not None and result.shown:
            self.lesson_visible(self.plain(lesson.describe(result)))




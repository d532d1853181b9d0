"""lr-race: one model, the slide's learning rates, one loss chart (log
scale); each curve's legend says how its run is doing (see
`tutor.lessons.lr_race`).

The runs are tiny (a few microseconds a step), so free-running they would
finish before the first frame. The widget paces them instead: a timer asks
each trainer for one step at a time, STEPS_PER_SECOND times a second, and
never queues a step before the previous one was taken.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget

from tutor.lessons import lr_race as lesson
from tutor.nn.commands import Ticket
from tutor.nn.snapshot import Snapshot
from tutor.nn.trainer import TrainerStopped
from tutor.ui.demos.registry import register
from tutor.ui.demos.runs import (
    CPU_SHARE,
    Panel,
    TrainingDemo,
    draw_curves,
    loss_series,
    stopped,
)
from tutor.ui.demos.status import state_text
from tutor.ui.widgets.lines_view import LinesView

STEPS_PER_SECOND = 20


@register("lr-race")
class LrRace(TrainingDemo):
    FPS = 10.0
    HEIGHT = 14
    DEFAULT_CSS = """
    LrRace #race-chart { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_run", "Pause/run"),
        Binding("s", "step", "One step"),
        Binding("r", "restart", "Restart"),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        yield Panel(id="race-chart")

    def start(self) -> None:
        self.settings = lesson.Settings.from_params(self.demo.params)
        self.data = lesson.dataset(self.settings)
        self.running = True
        self._race()
        self.redraw()
        self.set_interval(1 / STEPS_PER_SECOND, self._tick, name="race-pace")

    def _race(self) -> None:
        self.new_generation()
        self.specs = lesson.runs(self.settings, self.data)
        share = CPU_SHARE / len(self.specs)
        for spec in self.specs:
            self.train(spec, spec.name, share=share, run=False)
        self.pending: list[Ticket | None] = [None] * len(self.trainers)

    def _tick(self) -> None:
        if self.running:
            self._step_all()

    def _step_all(self) -> None:
        """One more step for every run that has not ended and has taken the last one."""
        for k, (trainer, spec) in enumerate(zip(self.trainers, self.specs, strict=True)):
            snapshot = self.snap(spec.name)
            if snapshot is None or snapshot.state == "preparing" or stopped(snapshot):
                continue
            ticket = self.pending[k]
            if ticket is None or ticket.done:
                try:
                    self.pending[k] = trainer.step_once()
                except TrainerStopped:  # the slide is being left
                    return

    def lanes(self) -> list[lesson.Lane] | None:
        snapshots = [self.snap(spec.name) for spec in self.specs]
        if any(s is None or not len(s.train_loss) for s in snapshots):
            return None
        return lesson.lanes(self.settings.rates, snapshots)  # type: ignore[arg-type]

    def draw(self) -> None:
        race = self.lanes()
        names = ([self.plain(lesson.label(lane)) for lane in race] if race is not None
                 else [self.plain(f"η {rate:g}") for rate in self.settings.rates])
        series = [loss_series(name, self.snap(spec.name))
                  for name, spec in zip(names, self.specs, strict=True)]
        steps = max((s.step for spec in self.specs if (s := self.snap(spec.name))), default=0)
        draw_curves(self.query_one("#race-chart", LinesView), self.graphics, series,
                    log_y=True, x_range=(0, self.settings.steps),
                    title=self.plain(f"training loss (log scale) · "
                                     f"{lesson.factors_text(self.settings.rates)}"))
        self.set_status(f"step {steps} of {self.settings.steps} · " + " · ".join(
            f"η {rate:g} {self._state(self.snap(spec.name))}"
            for rate, spec in zip(self.settings.rates, self.specs, strict=True))
            + self.paused_note())
        if race is not None and lesson.shown(race):
            ordered = sorted(race, key=lambda lane: lane.rate)
            self.lesson_visible(
                f"η = {ordered[len(ordered) // 2].rate:g} gets lowest; "
                f"η = {ordered[-1].rate:g} {ordered[-1].verdict}: each step jumps past the "
                "bottom")

    def _state(self, snapshot: Snapshot | None) -> str:
        if snapshot is None:
            return "starting"
        if snapshot.state in ("paused", "idle"):
            return "running" if self.running else "paused"
        return state_text(snapshot).split(":")[0]

    def action_toggle_run(self) -> None:
        self.running = not self.running
        self.redraw()

    def action_step(self) -> None:
        self.running = False
        self._step_all()
        self.redraw()

    def action_restart(self) -> None:
        self.running = True
        self._race()
        self.redraw()

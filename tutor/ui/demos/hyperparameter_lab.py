"""hyperparameter-lab: knobs for learning rate (+ schedule), batch size and
dropout; every run lands in the session's results table; a small grid or
random search over two knobs runs in the background, one run after another,
with its progress shown (see `tutor.lessons.hyperparameter_lab`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget

from tutor.lessons import hyperparameter_lab as lesson
from tutor.nn.snapshot import Snapshot
from tutor.ui.demos.registry import register
from tutor.ui.demos.runs import (
    CPU_SHARE,
    Panel,
    TrainingDemo,
    draw_boundary,
    draw_curves,
    loss_series,
    stopped,
    title_line,
)
from tutor.ui.demos.status import status_line
from tutor.viz.table import table

PLAIN = Style()
TABLE_ROWS = 4


@register("hyperparameter-lab")
class HyperparameterLab(TrainingDemo):
    FPS = 5.0
    HEIGHT = 16
    DEFAULT_CSS = """
    HyperparameterLab #hp-knobs, HyperparameterLab #hp-search { height: 1; }
    HyperparameterLab > Horizontal { height: 1fr; }
    HyperparameterLab #hp-curves, HyperparameterLab #hp-boundary { width: 1fr; height: 1fr; }
    HyperparameterLab #hp-curves { margin-right: 1; }
    HyperparameterLab #hp-table { height: 6; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "knob('schedule', 1)", "Schedule"),
        Binding("enter", "run", "Run"),
        Binding("minus", "knob('lr', -1)", "lr down"),
        Binding("plus,equals_sign", "knob('lr', 1)", "lr up"),
        Binding("b", "knob('batch', -1)", "Batch down"),
        Binding("B", "knob('batch', 1)", "Batch up"),
        Binding("p", "knob('dropout', -1)", "Dropout down"),
        Binding("P", "knob('dropout', 1)", "Dropout up"),
        Binding("G", "search('grid')", "Grid search"),  # g: the deck's glossary
        Binding("R", "search('random')", "Random search"),
        Binding("x", "cancel", "Stop search"),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        yield Panel(id="hp-knobs")
        with Horizontal():
            yield Panel(id="hp-curves")
            yield Panel(id="hp-boundary")
        yield Panel(id="hp-table")
        yield Panel(id="hp-search")

    def start(self) -> None:
        self.settings = lesson.Settings.from_params(self.demo.params)
        self.data = lesson.dataset(self.settings)
        self.knobs = self.settings.knobs
        self.results = lesson.Results()
        self.search: lesson.Search | None = None
        self.searches = 0
        self.current: lesson.Knobs | None = None
        self._run(self.knobs)  # the slide's settings first, so the table is never empty for long

    def _run(self, knobs: lesson.Knobs) -> None:
        self.new_generation()
        self.current = knobs
        self.run_spec = lesson.run(self.settings, self.data, knobs)
        self.train(self.run_spec, "run", share=CPU_SHARE)

    def published(self, source: str, snapshot: Snapshot) -> None:
        super().published(source, snapshot)
        if source != self.source("run") or self.current is None or not stopped(snapshot):
            return
        if snapshot.state == "stopped":
            return  # replaced by another run
        result = lesson.Result.of(self.current, snapshot)
        self.results.add(result)
        self.current = None
        if self.search is not None:
            self.search.record(result)
            following = self.search.next()
            if following is not None:
                self._run(following)

    def draw(self) -> None:
        width = self.query_one("#hp-knobs", Panel).size.width
        k = self.knobs
        self.query_one("#hp-knobs", Panel).set_lines([title_line(self.plain(
            f"lr {k.lr:g} (- +) · {k.schedule} (c) · batch {k.batch} (b B) · "
            f"dropout {k.dropout:g} (p P) · Enter runs"), width, PLAIN)])
        snapshot = self.snap("run")
        draw_curves(self.query_one("#hp-curves", Panel), self.graphics,
                    [loss_series("train", snapshot),
                     loss_series("validation", snapshot, validation=True)],
                    x_range=(0, self.settings.steps),
                    title="" if self.current is None else self.plain(self.current.describe()))
        draw_boundary(self.query_one("#hp-boundary", Panel), self.graphics,
                      f"{self.settings.data}, {self.data.n_val} validation points", self.run_spec,
                      snapshot)
        view = self.query_one("#hp-table", Panel)
        best = self.results.best
        view.set_lines(table(lesson.TABLE_HEADER, self.results.table(), view.size.width,
                             self.graphics, align=("right", "right", "left", "right", "right",
                                                   "right", "right", "right", "right"),
                             highlight=(self.results.rows.index(best) if best else None),
                             height=TABLE_ROWS + 2))
        line = self.query_one("#hp-search", Panel)
        text = (self.search.describe() if self.search is not None
                else "G: grid search (3 x 3) · R: random search (9 runs), over lr and dropout")
        line.set_lines([title_line(self.plain(text), line.size.width, PLAIN)])
        running = f"run {len(self.results.rows) + 1}" if self.current is not None else "ready"
        self.set_status(status_line(snapshot, running) if snapshot else "starting")
        if best is not None:
            self.lesson_visible(self.plain(
                f"best of {len(self.results.rows)} run{'s' if len(self.results.rows) > 1 else ''}"
                f": {best.knobs.describe()}, validation loss {best.best_val:.3f}"))

    def action_run(self) -> None:
        self.search = None
        self._run(self.knobs)
        self.redraw()

    def action_knob(self, name: str, direction: int) -> None:
        self.knobs = self.knobs.stepped(name, direction)
        self.redraw()

    def action_search(self, kind: str) -> None:
        self.searches += 1
        self.search = lesson.Search(self.knobs, "grid" if kind == "grid" else "random",
                                    seed=self.searches)
        first = self.search.next()
        if first is not None:
            self._run(first)
        self.redraw()

    def action_cancel(self) -> None:
        if self.search is not None:
            self.search = None
            self.new_generation()
            self.current = None
        self.redraw()

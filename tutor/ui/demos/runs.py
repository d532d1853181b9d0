"""What the training demos share: trainers built from lesson runs, a CPU
budget split between them, and the drawing of curves and boundaries into
`LinesView`s sized by the layout.

A demo's trainers together may use CPU_SHARE of one core: with the UI's own
frames that keeps a session under half a core, and most of a room reads
text at any moment, so a 2-core server holds it. The drawing helpers take a snapshot (or None before the first) and
always fill the view exactly, so a view never shows stale rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.events import Resize

from tutor.lessons.runs import RunSpec
from tutor.nn.snapshot import Snapshot
from tutor.nn.trainer import Trainer
from tutor.ui.demos.base import DemoWidget
from tutor.ui.widgets.lines_view import LinesView
from tutor.viz.boundary import decision_boundary
from tutor.viz.display import Display
from tutor.viz.grid import fit
from tutor.viz.linechart import Series, line_chart

CPU_SHARE = 0.3
"""Share of one core all trainers of one demo may use together. The UI's own
frames add 10-20% while a demo retrains (measured with `dltutor bench --ui`):
together under half a core."""

TITLE = Style(bold=True)


class TrainingDemo(DemoWidget):
    """A demo whose trainers can be replaced by new ones (retrain, restart).

    Snapshots are kept per source name and generation: the last snapshots of
    stopped trainers may still arrive after their successors started, and
    must neither show nor hide the new ones.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.generation = 0
        self.graphics = Display.detect(self.ascii)
        self.seed = 0
        """Seeds this generation's data and weights; `r` draws the next."""
        self.running = True
        """The learner has not paused the demo."""
        self.trainers: list[Trainer] = []
        """This generation's trainers."""
        self.lesson_seen = False
        """The demo's lesson has been on screen (its verdict line shown)."""

    def new_generation(self) -> None:
        """Stop every trainer; the next ones start afresh."""
        self.stop_trainers()
        self.trainers = []
        self.generation += 1
        self.changed()

    def begin(self) -> None:
        """Start this generation's trainers (demos that retrain on `r`)."""

    def action_toggle_run(self) -> None:
        self.running = not self.running
        for trainer in self.trainers:
            if self.running:
                trainer.start()
            else:
                trainer.pause()
        self.redraw()

    def action_retrain(self) -> None:
        self.seed += 1
        self.running = True
        self.begin()
        self.redraw()

    def source(self, name: str) -> str:
        return f"{name}#{self.generation}"

    def snap(self, name: str) -> Snapshot | None:
        """The newest snapshot of this generation's trainer `name`."""
        return self.snapshots.get(self.source(name))

    def published(self, source: str, snapshot: Snapshot) -> None:
        if source.endswith(f"#{self.generation}"):
            self.changed()

    def on_resize(self) -> None:
        self.changed()

    def paused_note(self) -> str:
        """" · paused" while the learner holds the demo (keys show at once)."""
        return "" if getattr(self, "running", True) else " · paused"

    def lesson_visible(self, text: str) -> None:
        self.lesson_seen = True
        super().lesson_visible(text)

    def train(self, spec: RunSpec, name: str, *, share: float, seed: int = 0,
              run: bool = True, also: Callable[[Snapshot], None] | None = None) -> Trainer:
        """A trainer of this generation for `spec`, known as `name`."""
        trainer = start_trainer(self, spec, self.source(name), share=share, seed=seed, run=run,
                                also=also)
        self.trainers.append(trainer)
        return trainer


class Panel(LinesView):
    """A `LinesView` that a demo draws to its size: a new size asks the demo
    for a frame (the layout sizes panels after the demo's own resize)."""

    def on_resize(self, event: Resize) -> None:
        super().on_resize(event)
        for node in self.ancestors:
            if isinstance(node, DemoWidget):
                node.changed()
                break


def start_trainer(demo: DemoWidget, spec: RunSpec, source: str, *, share: float,
                  seed: int = 0, run: bool = True,
                  also: Callable[[Snapshot], None] | None = None) -> Trainer:
    """A trainer for `spec`, owned by `demo` (stopped when it unmounts), whose
    snapshots land in `demo.snapshots[source]`; started unless `run` is False.
    `also` sees every snapshot first, in the worker thread (keep it quick)."""
    publish = demo.publisher(source)
    if also is not None:
        post = publish

        def publish(snapshot: Snapshot) -> None:
            also(snapshot)
            post(snapshot)

    trainer = Trainer(spec.build, spec.dataset, seed=seed, cpu_share=share,
                      on_publish=publish, **spec.trainer_kwargs())
    demo.own(trainer)
    if run:
        trainer.start()
    return trainer


def title_line(text: str, width: int, style: Style = TITLE) -> Text:
    return Text(fit(text, width), style=style, no_wrap=True, overflow="crop", end="")


def draw_boundary(view: LinesView, display: Display, title: str, spec: RunSpec,
                  snapshot: Snapshot | None) -> None:
    """`title` over the classes `spec`'s model predicts on its plane, training
    points filled and validation points hollow."""
    data, area = spec.dataset, spec.plane
    if area is None:
        raise ValueError(f"{spec.name}: no plane to draw a boundary on")
    width, height = view.size
    if width <= 0 or height <= 0:
        return
    predictions = None if snapshot is None else snapshot.predictions
    probs = None if predictions is None else area.image(np.asarray(predictions))
    body = decision_boundary(probs, area.extent, width, height - 1, display,
                             points=data.X_train, labels=data.y_train,
                             val_points=data.X_val, val_labels=data.y_val)
    view.set_lines([title_line(title, width), *body])


def draw_curves(view: LinesView, display: Display, series: Sequence[Series], *,
                log_y: bool = False, title: str = "", marker_x: float | None = None,
                marker_label: str = "", x_range: tuple[float, float] | None = None) -> None:
    width, height = view.size
    if width <= 0 or height <= 0:
        return
    view.set_lines(line_chart(series, width, height, display, log_y=log_y, title=title,
                              marker_x=marker_x, marker_label=marker_label, x_range=x_range))


def loss_series(name: str, snapshot: Snapshot | None, *, validation: bool = False) -> Series:
    """The training (or validation) loss curve of a snapshot."""
    if snapshot is None:
        return Series(name, np.zeros(0), np.zeros(0))
    if validation:
        return Series(name, np.asarray(snapshot.eval_steps[: len(snapshot.val_loss)]),
                      np.asarray(snapshot.val_loss))
    return Series(name, np.asarray(snapshot.loss_steps), np.asarray(snapshot.train_loss))


def stopped(snapshot: Snapshot | None) -> bool:
    """The run has ended, one way or another."""
    return snapshot is not None and snapshot.state in ("done", "diverged", "error", "stopped")

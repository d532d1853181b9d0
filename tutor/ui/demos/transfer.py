"""transfer: pretrain a backbone live, freeze it, then race a new head on a
few examples against the same network trained from scratch on them
(see `tutor.lessons.transfer`).

First the backbone trains on six shapes (a few seconds, its progress on
the status line); then the new task's images go through its frozen filters
once, off the UI thread, and two trainers start: the head on those
features, and a fresh network on the raw images. The chart shows both
test accuracies; beside it, the frozen filters and a few of the examples.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, cast

import numpy as np
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget

from tutor.lessons import transfer as lesson
from tutor.lessons.runs import RunSpec
from tutor.nn.datasets import Dataset
from tutor.nn.snapshot import Snapshot
from tutor.ui.demos.registry import register
from tutor.ui.demos.runs import CPU_SHARE, Panel, TrainingDemo, draw_curves
from tutor.ui.demos.status import state_text
from tutor.ui.widgets.lines_view import LinesView
from tutor.viz.images import image_grid
from tutor.viz.linechart import Series

BACKBONE = "backbone"
SHOWN_EXAMPLES = 3


@register("transfer")
class Transfer(TrainingDemo):
    FPS = 3.0
    HEIGHT = 14
    DEFAULT_CSS = """
    Transfer #transfer-main { height: 1fr; }
    Transfer #transfer-chart { width: 1fr; height: 1fr; }
    Transfer #transfer-side { width: 40; height: 1fr; margin-left: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "restart", "Start over (new weights)"),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        with Horizontal(id="transfer-main"):
            yield Panel(id="transfer-chart")
            with Vertical(id="transfer-side"):
                yield LinesView(id="transfer-filters")
                yield LinesView(id="transfer-examples")

    def start(self) -> None:
        self.settings = lesson.Settings.from_params(self.demo.params)
        self.seed = 0
        self.target: Dataset | None = None
        self.images: tuple[Dataset, RunSpec] | None = None
        """The new task's data and the backbone's run, drawn once (`_begin`)."""
        self._begin()

    def _begin(self) -> None:
        """A new generation with new weights. The images (a few thousand,
        about 0.1 s of numpy) are drawn once, off the UI thread, and kept:
        starting over asks what fresh weights learn from the same pictures."""
        self.new_generation()
        self.racing = False
        self.features_pending = False
        self.head_spec: RunSpec | None = None
        self.scratch_spec: RunSpec | None = None
        if self.images is not None:
            self._train_backbone()
            return
        generation, settings = self.generation, self.settings
        self.prepare(lambda: (generation, (lesson.target_task(settings, 0),
                                           lesson.pretrain_run(settings, 0))))

    def _train_backbone(self) -> None:
        assert self.images is not None
        self.target, backbone = self.images
        self.train(backbone, BACKBONE, share=CPU_SHARE, seed=self.seed)
        self.changed()

    def published(self, source: str, snapshot: Snapshot) -> None:
        super().published(source, snapshot)
        if (source == self.source(BACKBONE) and snapshot.state == "done"
                and not self.racing and not self.features_pending and self.target is not None):
            self.features_pending = True
            generation, params = self.generation, snapshot.params
            settings, target = self.settings, self.target
            self.prepare(lambda: (generation, lesson.feature_task(settings, target, params)))

    def ready(self, result: object, error: BaseException | None) -> None:
        if error is not None:
            self.set_status(f"could not {'freeze' if self.target else 'draw'} the "
                            f"{'backbone' if self.target else 'images'}: {error}")
            return
        generation, made = cast("tuple[int, object]", result)
        if generation != self.generation:
            return  # a restart came in between
        if isinstance(made, tuple):  # the images are drawn: train the backbone
            self.images = cast("tuple[Dataset, RunSpec]", made)
            self._train_backbone()
            return
        features = made
        assert isinstance(features, Dataset) and self.target is not None
        self.features_pending, self.racing = False, True
        self.head_spec = lesson.head_run(self.settings, features)
        self.scratch_spec = lesson.scratch_run(self.settings, self.target)
        for spec in (self.head_spec, self.scratch_spec):
            self.train(spec, spec.name, share=CPU_SHARE / 2, seed=self.seed)

    # -- drawing ------------------------------------------------------------------

    def draw(self) -> None:
        if not self.query(LinesView):
            return  # being taken down: the views are gone
        backbone = self.snap(BACKBONE)
        specs = [s for s in (self.head_spec, self.scratch_spec) if s is not None]
        snaps = [self.snap(spec.name) for spec in specs]
        series = []
        for name, snap in zip(("frozen + new head", "from scratch"), snaps, strict=False):
            curve = np.zeros(0) if snap is None else np.asarray(snap.val_accuracy_curve)
            steps = np.zeros(0) if snap is None else np.asarray(snap.eval_steps[: len(curve)])
            series.append(Series(name, steps, curve))
        draw_curves(self.query_one("#transfer-chart", LinesView), self.graphics, series,
                    x_range=(0, self.settings.steps),
                    title=self.plain(f"test accuracy ({self.settings.examples} examples)"))
        self._draw_side(backbone)
        if not self.racing:
            if backbone is None:
                self.set_status("drawing the images" if self.target is None else "starting")
            elif backbone.state in ("running", "paused", "idle"):
                self.set_status(f"training the backbone on {len(lesson.SOURCE_KINDS)} other "
                                f"shapes: step {backbone.step} of {self.settings.pretrain_steps}")
            elif backbone.state == "done":
                self.set_status(f"backbone done ({backbone.val_accuracy:.0%} on its shapes); "
                                "freezing it")
            else:
                self.set_status(f"backbone {state_text(backbone)}")
            return
        self.set_status(" · ".join(
            f"{name} " + ("starting" if snap is None else
                          f"{snap.step} steps {state_text(snap)}")
            for name, snap in zip(("head", "scratch"), snaps, strict=False)))
        if len(snaps) == 2 and all(s is not None and s.state == "done" for s in snaps):
            head, scratch = snaps
            self.lesson_visible(f"{self.settings.examples} examples: frozen backbone + head "
                                f"{head.val_accuracy:.0%}, from scratch "  # type: ignore[union-attr]
                                f"{scratch.val_accuracy:.0%}")  # type: ignore[union-attr]

    def _fitting(self, view: LinesView, side: int, gap: int) -> int:
        """How many images of `side` pixels fit across `view` (one at least)."""
        cells = side * (1 if self.graphics.half_blocks else 2)
        return max(1, (view.size.width + gap) // (cells + gap))

    def _draw_side(self, backbone: Snapshot | None) -> None:
        filters = None if backbone is None else backbone.params.get("conv_W")
        view = self.query_one("#transfer-filters", LinesView)
        if filters is not None and view.size.width > 0:
            frozen = "frozen filters" if self.racing else "backbone filters"
            shown = np.asarray(filters)[: self._fitting(view, 3, 1), 0]
            view.set_lines([Text(self.plain(f"{frozen}, 3x3:")),
                            *image_grid(shown, self.graphics, gap=1)])
        if self.target is None:
            return  # this generation's images are still being drawn
        count = min(SHOWN_EXAMPLES, self._fitting(view, lesson.IMAGE, 1))
        examples = np.asarray(self.target.X_train)[:count, 0]
        labels = [lesson.TARGET_KINDS[int(k)] for k in self.target.y_train[:count]]
        self.query_one("#transfer-examples", LinesView).set_lines(
            [Text(self.plain(f"new task, {self.settings.examples} examples:")),
             *image_grid(examples, self.graphics, titles=labels, gap=1)])

    def action_restart(self) -> None:
        self.seed += 1
        self._begin()
        self.redraw()

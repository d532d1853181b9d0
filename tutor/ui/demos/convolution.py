"""convolution: a kernel sliding over a picture, step by step; or a tiny CNN
against an MLP on shapes at offsets neither has seen
(see `tutor.lessons.convolution`).

mode "slide": the picture, the kernel, the nine products under the window
and the feature map filling in, as numbers; a key steps, another runs.
Once the map is full, 2x2 max pooling steps through its blocks the same
way. No trainer: the arithmetic is numpy, done when the key is pressed.

mode "train": both models train on shapes at 16 offsets and are scored on
the 33 in between; the CNN's learned filters are drawn beside the weight
count of its convolution layer and of a dense layer with as many outputs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import ClassVar

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget

from tutor.lessons import convolution as lesson
from tutor.ui.demos.registry import register
from tutor.ui.demos.runs import CPU_SHARE, Panel, TrainingDemo, draw_curves, title_line
from tutor.ui.demos.status import state_text
from tutor.ui.widgets.lines_view import LinesView
from tutor.viz.display import Display
from tutor.viz.images import image_grid
from tutor.viz.linechart import Series

WINDOW = Style(reverse=True, bold=True)
GAP = "   "

Cells = set[tuple[int, int]]


def number(value: float) -> str:
    """A short form of a cell's value: whole numbers bare, others to one decimal."""
    if not math.isfinite(value):
        return "."
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace("0.", ".", 1) if abs(value) < 1 else f"{value:.1f}"


def number_grids(panels: Sequence[tuple[str, np.ndarray, Cells]], display: Display) -> list[Text]:
    """Matrices of numbers side by side under their titles, `GAP` apart;
    NaN cells (not computed yet) show a dot, highlighted cells are reversed.
    All lines have the same width."""
    columns = []
    for title, values, marked in panels:
        texts = [[number(float(v)) for v in row] for row in values]
        cell = max((len(t) for row in texts for t in row), default=1) + 1
        width = max(len(title), cell * values.shape[1])
        lines = [Text(title.ljust(width), style=display.label)]
        for r, row in enumerate(texts):
            line = Text()
            for c, t in enumerate(row):
                line.append(t.rjust(cell - 1), style=WINDOW if (r, c) in marked else Style())
                line.append(" ")
            line.pad_right(width - line.cell_len)
            lines.append(line)
        columns.append((width, lines))
    height = max(len(lines) for _, lines in columns)
    out: list[Text] = []
    for y in range(height):
        joined = Text()
        for k, (width, lines) in enumerate(columns):
            joined.append_text(lines[y] if y < len(lines) else Text(" " * width))
            if k < len(columns) - 1:
                joined.append(GAP)
        out.append(joined)
    return out


@register("convolution")
class Convolution(TrainingDemo):
    FPS = 4.0
    HEIGHT = 14
    DEFAULT_CSS = """
    Convolution #conv-numbers { height: 1fr; }
    Convolution #conv-train { height: 1fr; }
    Convolution #conv-accuracy { width: 1fr; height: 1fr; }
    Convolution #conv-filters { width: 38; height: 1fr; margin-left: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "step", "Step"),
        Binding("a", "auto", "Run/stop"),
        Binding("k", "kernel", "Next kernel"),
        Binding("p", "pause", "Pause/run"),
        Binding("r", "reset", "Start over"),
    ]
    _SLIDE_ONLY = frozenset({"step", "auto", "kernel"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Each mode shows only its own keys."""
        slide = self.settings.mode == "slide"
        if action in self._SLIDE_ONLY:
            return slide
        if action == "pause":
            return not slide
        return True

    def compose_demo(self) -> Iterable[Widget]:
        self.settings = lesson.Settings.from_params(self.demo.params)
        if self.settings.mode == "slide":
            yield Panel(id="conv-numbers")
        else:
            with Horizontal(id="conv-train"):
                yield Panel(id="conv-accuracy")
                with Vertical(id="conv-filters"):
                    yield LinesView(id="conv-filter-images")
                    yield LinesView(id="conv-params")

    def start(self) -> None:
        # The kernel moves on its own until the learner steps it by hand.
        self.auto = self.settings.mode == "slide"
        self.kernel_name = self.settings.kernel
        self.seed = 0
        self._begin()
        self.set_interval(0.5, self._tick, name="conv-auto")

    def _begin(self) -> None:
        if self.settings.mode == "slide":
            self.image = lesson.picture(self.settings.image)
            self.kernel = lesson.KERNELS[self.kernel_name]
            self.windows = lesson.windows(self.image, self.kernel)
            self.fmap = lesson.feature_map(self.image, self.kernel)
            self.blocks = lesson.pool_blocks(self.fmap)
            self.position = 1  # windows shown (the current one included), then pooling blocks
        else:
            self.new_generation()
            self.specs = lesson.race(self.seed)
            self.paused = False
            self.trainers = [self.train(spec, spec.name, share=CPU_SHARE / 2, seed=self.seed)
                             for spec in self.specs]
        self.changed()

    # -- drawing ------------------------------------------------------------------

    def draw(self) -> None:
        if not self.query(LinesView):
            return  # being taken down: the views are gone
        if self.settings.mode == "slide":
            self._draw_slide()
        else:
            self._draw_train()

    def _draw_slide(self) -> None:
        view = self.query_one("#conv-numbers", LinesView)
        width = view.size.width
        if width <= 0:
            return
        n_windows = len(self.windows)
        filled = np.full(self.fmap.shape, np.nan)
        for w in self.windows[: min(self.position, n_windows)]:
            filled[w.row, w.col] = w.value
        if self.position <= n_windows:
            window = self.windows[self.position - 1]
            under = {(window.row + i, window.col + j) for i in range(3) for j in range(3)}
            lines = number_grids([
                (f"picture {self.image.shape[0]}x{self.image.shape[1]}", self.image, under),
                (f"kernel {self.kernel_name}", self.kernel, set()),
                ("products", window.products, set()),
                ("feature map", filled, {(window.row, window.col)}),
            ], self.graphics)
            caption = (f"window {self.position} of {n_windows}: the products add up to "
                       f"{number(window.value)}, written at row {window.row + 1}, "
                       f"column {window.col + 1}")
        else:
            done_blocks = self.position - n_windows  # the current block included
            pooled = np.full((-(-self.fmap.shape[0] // 2), -(-self.fmap.shape[1] // 2)), np.nan)
            for k, block in enumerate(self.blocks[:done_blocks]):
                pooled.flat[k] = block.value
            block = self.blocks[min(done_blocks, len(self.blocks)) - 1]
            cells = {(r, c) for r in range(block.top, block.bottom)
                     for c in range(block.left, block.right)}
            lines = number_grids([("feature map", self.fmap, cells),
                                  ("2x2 max pooling", pooled, set())], self.graphics)
            caption = (f"block {min(done_blocks, len(self.blocks))} of {len(self.blocks)}: "
                       f"largest value {number(block.value)}")
            if done_blocks > len(self.blocks):
                caption = "pooled: each block keeps its largest value (edge blocks are smaller)"
        body = [title_line(self.plain(caption), width), title_line("", width), *lines]
        view.set_lines([_fitted(line, width) for line in body])
        total = n_windows + len(self.blocks) + 1
        self.set_status(f"{'running · space steps' if self.auto else 'space steps, a runs'} · "
                        f"step {self.position} of {total}")
        if self.position >= n_windows:
            self.lesson_visible(f"feature map done: the same 9 weights at all {n_windows} "
                                "positions")

    def _draw_train(self) -> None:
        snaps = [self.snap(spec.name) for spec in self.specs]
        series = []
        for spec, snap in zip(self.specs, snaps, strict=True):
            curve = np.zeros(0) if snap is None else np.asarray(snap.val_accuracy_curve)
            steps = np.zeros(0) if snap is None else np.asarray(snap.eval_steps[: len(curve)])
            series.append(Series(spec.name, steps, curve))
        draw_curves(self.query_one("#conv-accuracy", LinesView), self.graphics, series,
                    x_range=(0, lesson.STEPS),
                    title=self.plain("accuracy at offsets never seen"))
        cnn = snaps[0]
        filters = None if cnn is None else cnn.params.get("conv_W")
        images = self.query_one("#conv-filter-images", LinesView)
        if filters is not None and images.size.width > 0:
            cells = 3 if self.graphics.half_blocks else 6  # a filter is 3 pixels wide
            fitting = max(1, (images.size.width + 1) // (cells + 1))
            images.set_lines([Text("learned filters, 3x3:"),
                              *image_grid(np.asarray(filters)[:fitting, 0], self.graphics,
                                          gap=1)])
        self.query_one("#conv-params", LinesView).set_lines([
            Text(self.plain(f"conv layer: {lesson.conv_layer_params():,} weights")),
            Text(self.plain(f"dense layer, same outputs: {lesson.dense_layer_params():,}")),
        ])
        self.set_status(" · ".join(
            f"{spec.name} " + ("starting" if snap is None else
                               f"{snap.step} steps {state_text(snap)}")
            for spec, snap in zip(self.specs, snaps, strict=True)))
        done = [snap for snap in snaps if snap is not None and snap.state == "done"]
        if len(done) == len(snaps):
            c, m = done
            self.lesson_visible(f"unseen offsets: CNN {c.val_accuracy:.0%}, MLP "
                                f"{m.val_accuracy:.0%} (it scored {m.train_accuracy:.0%} on "
                                "those it saw)")

    # -- keys -----------------------------------------------------------------------

    def _tick(self) -> None:
        if self.auto:
            self._advance()

    def action_step(self) -> None:
        """One step by hand: the learner takes over from the automatic run."""
        self.auto = False
        self._advance()

    def _advance(self) -> None:
        if self.settings.mode != "slide":
            return
        total = len(self.windows) + len(self.blocks) + 1
        if self.position < total:
            self.position += 1
        else:
            self.auto = False
        self.redraw()

    def action_pause(self) -> None:
        self.paused = not self.paused
        for trainer in self.trainers:
            if self.paused:
                trainer.pause()
            else:
                trainer.resume()
        self.redraw()

    def action_auto(self) -> None:
        self.auto = not self.auto and self.settings.mode == "slide"
        self.redraw()

    def action_kernel(self) -> None:
        if self.settings.mode != "slide":
            return
        names = list(lesson.KERNELS)
        self.kernel_name = names[(names.index(self.kernel_name) + 1) % len(names)]
        self._begin()
        self.redraw()

    def action_reset(self) -> None:
        self.seed += 1
        self._begin()
        self.redraw()


def _fitted(line: Text, width: int) -> Text:
    line = line.copy()
    line.truncate(width, overflow="crop", pad=True)
    return line

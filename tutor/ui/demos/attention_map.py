"""attention-map: a sentence's attention weights, then a tiny model learning its own
(see `tutor.lessons.attention_map`).

Left, the slide's sentence: the chosen token's weights over every token as
bars, and the whole token x token map, labelled as illustrative (chosen by
hand). Right, a one-head attention model training live on "copy the
previous token": its map for one sequence, starting near uniform and
sharpening onto the band below the diagonal, with the share of each row's
weight on the right position.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import numpy as np
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget

from tutor.lessons import attention_map as lesson
from tutor.nn.snapshot import Snapshot
from tutor.ui.demos.registry import register
from tutor.ui.demos.runs import CPU_SHARE, Panel, TrainingDemo, title_line
from tutor.ui.demos.status import state_text
from tutor.ui.widgets.lines_view import LinesView
from tutor.viz.bars import bars
from tutor.viz.heatmap import heatmap

LETTERS = "ABCDEFGH"
MODEL = "attention"


@register("attention-map")
class AttentionMap(TrainingDemo):
    FPS = 6.0
    HEIGHT = 14
    DEFAULT_CSS = """
    AttentionMap #attention-panels { height: 1fr; }
    AttentionMap #attention-sentence { width: 1fr; height: 1fr; }
    AttentionMap #attention-model { width: 1fr; height: 1fr; margin-left: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "token(-1)", "Token up"),
        Binding("down", "token(1)", "Token down"),
        Binding("space", "toggle_run", "Pause/run"),
        Binding("r", "retrain", "Retrain"),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        with Horizontal(id="attention-panels"):
            yield Panel(id="attention-sentence")
            yield Panel(id="attention-model")

    def start(self) -> None:
        self.settings = lesson.Settings.from_params(self.demo.params)
        self.token = self.settings.token_index
        self.seed = 0
        self.running = True
        self._train()

    def _train(self) -> None:
        self.new_generation()
        self.run_spec = lesson.run(self.settings, self.seed)
        self.trainer = self.train(self.run_spec, MODEL, share=CPU_SHARE, seed=self.seed)
        if not self.running:
            self.trainer.pause()

    # -- drawing ------------------------------------------------------------------

    def draw(self) -> None:
        if not self.query(LinesView):
            return  # being taken down: the views are gone
        self._draw_sentence()
        snapshot = self.snap(MODEL)
        self._draw_model(snapshot)
        if snapshot is None:
            self.set_status("starting")
            return
        rows = self._focus(snapshot)
        shown = f" · weakest row {rows.min():.0%} on the right token" if rows is not None else ""
        self.set_status(f"step {snapshot.step} of {self.settings.steps}{shown} · "
                        f"{state_text(snapshot)}")
        if rows is not None and rows.min() >= lesson.FOCUSED:
            self.lesson_visible(f"sharp: every row puts >= {lesson.FOCUSED:.0%} of its weight "
                                f"on the previous token (step {snapshot.step})")

    def _focus(self, snapshot: Snapshot) -> np.ndarray | None:
        attention = snapshot.inspection.get("attention")
        if attention is None or not len(attention):
            return None
        return lesson.focus(attention, lesson.probe_target(self.run_spec, len(attention)))

    def _draw_sentence(self) -> None:
        view = self.query_one("#attention-sentence", LinesView)
        width = view.size.width
        if width <= 0:
            return
        word = lesson.SENTENCE[self.token]
        lines: list[Text] = [
            title_line(self.plain(f"\u201c{word}\u201d attends to:"), width),
            *bars(lesson.ILLUSTRATIVE[self.token], lesson.SENTENCE, width, self.graphics,
                  vmax=1.0, digits=2),
            title_line(self.plain(lesson.ILLUSTRATIVE_NOTE.split(";")[0]), width,
                       style=self.graphics.note),
        ]
        room = view.size.height - len(lines)
        grid = heatmap(lesson.ILLUSTRATIVE, self.graphics, row_labels=lesson.SENTENCE,
                       col_labels=lesson.SENTENCE, highlight_row=self.token, vmin=0.0,
                       vmax=1.0, cell_width=4,
                       scale=False)
        if room >= len(grid) + 1:
            lines += [title_line("", width), *grid]
        view.set_lines([_fitted(line, width) for line in lines])

    def _draw_model(self, snapshot: Snapshot | None) -> None:
        view = self.query_one("#attention-model", LinesView)
        width = view.size.width
        if width <= 0:
            return
        lines = [title_line(self.plain("a model learns: copy the previous token"), width)]
        attention = None if snapshot is None else snapshot.inspection.get("attention")
        if attention is not None and len(attention):
            tokens = np.asarray(self.run_spec.dataset.X_val)[0]
            labels = [f"{t + 1}{LETTERS[k]}" for t, k in enumerate(tokens)]
            rows = self._focus(snapshot)  # type: ignore[arg-type]
            lines.append(title_line(self.plain(
                f"{rows.mean():.0%} of a row on the previous token"  # type: ignore[union-attr]
            ), width, style=self.graphics.label))
            lines += heatmap(np.asarray(attention)[0], self.graphics, row_labels=labels,
                             col_labels=[str(t + 1) for t in range(len(tokens))],
                             vmin=0.0, vmax=1.0, cell_width=2)
            lines.append(title_line(self.plain("row: position; column: where it looks"), width,
                                    style=self.graphics.note))
        view.set_lines([_fitted(line, width) for line in lines])

    # -- keys -----------------------------------------------------------------------

    def action_token(self, step: int) -> None:
        self.token = (self.token + step) % len(lesson.SENTENCE)
        self.redraw()

    def action_toggle_run(self) -> None:
        self.running = not self.running
        if self.running:
            self.trainer.resume()
        else:
            self.trainer.pause()
        self.redraw()

    def action_retrain(self) -> None:
        self.seed += 1
        self._train()
        self.redraw()


def _fitted(line: Text, width: int) -> Text:
    """`line` cut or padded to exactly `width` cells."""
    line = line.copy()
    line.truncate(width, overflow="crop", pad=True)
    return line

"""memory-over-time: a plain RNN and a gated cell race to recall a marked symbol
(see `tutor.lessons.memory_over_time`).

Left, each cell's validation accuracy over the steps; right, the size of
the gradient at each time step of the sequence (log scale), the plain RNN's
falling by orders of magnitude towards the first step; below, the featured
cell unrolled over one sequence: the symbols it reads, the mark, and its
hidden state after every step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import ClassVar

import numpy as np
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget

from tutor.lessons import memory_over_time as lesson
from tutor.nn.snapshot import Snapshot
from tutor.ui.demos.registry import register
from tutor.ui.demos.runs import CPU_SHARE, Panel, TrainingDemo, draw_curves, title_line
from tutor.ui.demos.status import state_text
from tutor.ui.widgets.lines_view import LinesView
from tutor.viz.heatmap import heatmap
from tutor.viz.linechart import Series

SHOWN_UNITS = 6
"""Hidden units drawn in the unrolled view (of `hidden`)."""
LETTERS = "ABCD"
HIDDEN_LEVELS = 9
"""Shades of a hidden unit's value in [-1, 1]: enough to follow what a unit
holds, few enough that a redraw repaints only what changed a shade."""


@register("memory-over-time")
class MemoryOverTime(TrainingDemo):
    FPS = 3.0
    HEIGHT = 16
    DEFAULT_CSS = """
    MemoryOverTime #memory-charts { height: 1fr; }
    MemoryOverTime #memory-accuracy, MemoryOverTime #memory-gradient { height: 1fr; width: 1fr; }
    MemoryOverTime #memory-unrolled { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_run", "Pause/run"),
        Binding("plus,equals_sign", "gap(1)", "Longer gap"),
        Binding("minus", "gap(-1)", "Shorter gap"),
        Binding("c", "swap_gated", "GRU/LSTM"),
        Binding("r", "restart", "Restart"),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        with Horizontal(id="memory-charts"):
            yield Panel(id="memory-accuracy")
            yield Panel(id="memory-gradient")
        yield LinesView(id="memory-unrolled")

    def start(self) -> None:
        self._charts_shown: tuple[object, ...] | None = None
        """What the charts were last drawn from (see `draw`)."""
        self.settings = lesson.Settings.from_params(self.demo.params)
        self.seed = 0
        self.running = True
        self._race()

    def _race(self) -> None:
        self.new_generation()
        self.first_norms: dict[str, np.ndarray] = {}  # per run: gradients of its first steps
        self.rnn_spec, self.gated_spec = lesson.race(self.settings, self.seed)
        share = CPU_SHARE / 2
        self.trainers = [self.train(spec, spec.name, share=share, seed=self.seed)
                         for spec in (self.rnn_spec, self.gated_spec)]
        if not self.running:
            for trainer in self.trainers:
                trainer.pause()
        self.redraw()  # a key changed the race: show its new settings at once

    def published(self, source: str, snapshot: Snapshot) -> None:
        super().published(source, snapshot)
        norms = snapshot.inspection.get("grad_norm_per_step")
        if (norms is not None and np.any(np.asarray(norms) > 0)
                and source.endswith(f"#{self.generation}")):
            self.first_norms.setdefault(source, np.asarray(norms, dtype=np.float64))

    # -- drawing ------------------------------------------------------------------

    def draw(self) -> None:
        if not self.query(LinesView):
            return  # being taken down: the views are gone
        rnn, gated = self.snap(self.rnn_spec.name), self.snap(self.gated_spec.name)
        # The charts show evaluations, which come every few snapshots: between
        # two, only the status line moves, so the charts are not drawn again.
        shown = (self.generation, self.settings, self.size,
                 *(None if s is None else (len(s.eval_steps), s.state) for s in (rnn, gated)))
        if shown != self._charts_shown:
            self._charts_shown = shown
            self._draw_accuracy(rnn, gated)
            self._draw_gradient(rnn, gated)
            self._draw_unrolled(gated if self.settings.cell != "rnn" else rnn)
        self.set_status(self.plain(
            f"gap {self.settings.gap} · " + " · ".join(
                f"{spec.name} {self._state(snap)}"
                for spec, snap in ((self.rnn_spec, rnn), (self.gated_spec, gated)))))
        if rnn is not None and gated is not None:
            text = lesson.verdict(self.settings, rnn, gated)
            if text is not None:
                self.lesson_visible(text)

    def _state(self, snapshot: Snapshot | None) -> str:
        if snapshot is None:
            return "starting"
        if snapshot.state in ("running", "paused", "done") and np.isfinite(snapshot.val_accuracy):
            return f"{snapshot.step} steps {snapshot.val_accuracy:.0%}"
        return state_text(snapshot)

    def _draw_accuracy(self, rnn: Snapshot | None, gated: Snapshot | None) -> None:
        series = []
        for spec, snap in ((self.rnn_spec, rnn), (self.gated_spec, gated)):
            if snap is None or not len(snap.val_accuracy_curve):
                series.append(Series(spec.name, np.zeros(0), np.zeros(0)))
            else:
                curve = np.asarray(snap.val_accuracy_curve)
                series.append(Series(spec.name, np.asarray(snap.eval_steps[: len(curve)]), curve))
        draw_curves(self.query_one("#memory-accuracy", LinesView), self.graphics, series,
                    x_range=(0, self.settings.steps),
                    title=self.plain(f"accuracy, gap {self.settings.gap}"))

    def _draw_gradient(self, rnn: Snapshot | None, gated: Snapshot | None) -> None:
        """The RNN's gradient per step when training began (where the lesson
        is plainest) and now, and the gated cell's now."""
        start = self.first_norms.get(self.source(self.rnn_spec.name), np.zeros(0))
        series = [Series("RNN at start", np.arange(1, len(start) + 1), start)]
        for name, snap in (("RNN now", rnn), (f"{self.settings.gated.upper()} now", gated)):
            norms = np.zeros(0) if snap is None else np.asarray(
                snap.inspection.get("grad_norm_per_step", np.zeros(0)), dtype=np.float64)
            series.append(Series(name, np.arange(1, len(norms) + 1), norms))
        draw_curves(self.query_one("#memory-gradient", LinesView), self.graphics, series,
                    log_y=True, x_range=(1, self.settings.length),
                    marker_x=lesson.PREFIX + 1, marker_label="mark",
                    title=self.plain("gradient per step (log)"))

    def _draw_unrolled(self, snap: Snapshot | None) -> None:
        view = self.query_one("#memory-unrolled", LinesView)
        width = view.size.width or self.size.width
        if width <= 0:
            return
        data = self.rnn_spec.dataset
        symbols = np.asarray(data.info["symbols_val"])[0]
        cell = 1 if 2 * len(symbols) + 8 > width else 2
        row = "".join(LETTERS[s].ljust(cell) if t != lesson.PREFIX else
                      (LETTERS[s] + "*").ljust(cell) for t, s in enumerate(symbols))
        featured = self.settings.gated.upper() if self.settings.cell != "rnn" else "RNN"
        lines = [title_line(self.plain(f"{featured} unrolled: reads (* marked), hidden state"),
                            width),
                 title_line("  " + row, width, style=self.graphics.label)]
        if snap is not None and "hidden_states" in snap.inspection:
            states = np.asarray(snap.inspection["hidden_states"])[0, :, :SHOWN_UNITS].T  # (U, T)
            lines += heatmap(states, self.graphics, vmin=-1.0, vmax=1.0, cell_width=cell,
                             row_labels=[f"h{k + 1}" for k in range(len(states))], scale=False,
                             levels=HIDDEN_LEVELS)
        view.set_lines([title_line("", width, style=self.graphics.label) if not ln.plain
                        else ln for ln in lines])

    # -- keys -----------------------------------------------------------------------

    def action_toggle_run(self) -> None:
        self.running = not self.running
        for trainer in self.trainers:
            if self.running:
                trainer.resume()
            else:
                trainer.pause()
        self.redraw()

    def action_gap(self, direction: int) -> None:
        gaps = lesson.GAPS
        index = min(range(len(gaps)), key=lambda k: abs(gaps[k] - self.settings.gap))
        index = max(0, min(len(gaps) - 1, index + direction))
        self.settings = replace(self.settings, gap=gaps[index])
        self._race()

    def action_swap_gated(self) -> None:
        self.settings = self.settings.with_gated("lstm" if self.settings.gated == "gru" else "gru")
        self._race()

    def action_restart(self) -> None:
        self.seed += 1
        self._race()

"""label-noise: the same net trained on labels of which a share was flipped;
mean test accuracy per share, over three seeds, as bars (see
`tutor.lessons.label_noise`).

Runs are queued and trained one at a time: at the start the shares 0, the
slide's and 40% (three seeds each, seed by seed so every share fills in
evenly); - and + pick another share, which joins the front of the queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget

from tutor.lessons import label_noise as lesson
from tutor.nn.snapshot import Snapshot
from tutor.ui.demos.registry import register
from tutor.ui.demos.runs import CPU_SHARE, Panel, TrainingDemo, draw_boundary, stopped, title_line
from tutor.viz.bars import bars

Job = tuple[float, int]  # (share flipped, seed)
PLAIN = Style()


@register("label-noise")
class LabelNoise(TrainingDemo):
    FPS = 4.0
    HEIGHT = 14
    DEFAULT_CSS = """
    LabelNoise > Horizontal { height: 1fr; }
    LabelNoise #ln-boundary { width: 1fr; height: 1fr; margin-right: 1; }
    LabelNoise #ln-side { width: 1fr; height: 1fr; }
    LabelNoise #ln-bars { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_run", "Pause/run"),
        Binding("minus", "share(-1)", "Fewer flipped"),
        Binding("plus,equals_sign", "share(1)", "More flipped"),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        with Horizontal():
            yield Panel(id="ln-boundary")
            with Vertical(id="ln-side"):
                yield Panel(id="ln-bars")

    def start(self) -> None:
        self.settings = lesson.Settings.from_params(self.demo.params)
        self.table = lesson.NoiseTable()
        self.shares = sorted(set(lesson.SHARES) | {self.settings.noise})
        self.selected = self.settings.noise
        first = sorted({0.0, self.settings.noise, 0.4})
        self.queue: list[Job] = [(share, seed) for seed in range(lesson.SEEDS) for share in first]
        self.job: Job | None = None
        self.running = True
        self._next()

    def _next(self) -> None:
        """Train the next queued run (nothing if the queue is empty or paused)."""
        self.new_generation()
        self.job = None
        while self.queue and self.running:
            share, seed = self.queue.pop(0)
            if seed in self.table.seeds(share):
                continue
            self.job = (share, seed)
            self.data = lesson.dataset(self.settings, share, seed)
            self.run_spec = lesson.run(self.settings, self.data)
            self.trainer = self.train(self.run_spec, "run", share=CPU_SHARE, seed=seed)
            break

    def published(self, source: str, snapshot: Snapshot) -> None:
        super().published(source, snapshot)
        if self.job is not None and source == self.source("run") and stopped(snapshot):
            if snapshot.state == "done":
                self.table.record(*self.job, snapshot.val_accuracy)
            self._next()

    def draw(self) -> None:
        snapshot = self.snap("run")
        boundary = self.query_one("#ln-boundary", Panel)
        if self.job is not None:
            share, seed = self.job
            title = f"{share:.0%} of labels flipped, seed {seed}"
            draw_boundary(boundary, self.graphics, self.plain(title), self.run_spec, snapshot)
        elif not self.running:
            boundary.set_lines([title_line("paused", boundary.size.width)])
        view = self.query_one("#ln-bars", Panel)
        rows = self.table.rows()
        width = view.size.width
        head = [title_line(self.plain("test accuracy (mean of 3 seeds)"), width),
                title_line("", width)]
        if rows:
            values = [mean for _, mean, _ in rows]
            labels = [f"{share:.0%}" + ("" if n >= lesson.SEEDS else f" ({n}/{lesson.SEEDS})")
                      for share, _, n in rows]
            shares = [share for share, _, _ in rows]
            chosen = shares.index(self.selected) if self.selected in shares else None
            head += bars(values, labels, width, self.graphics, vmax=1.0, highlight=chosen)
        head += [title_line(self.plain(f"- + share to try: {self.selected:.0%} flipped"),
                            width, PLAIN)]
        view.set_lines(head)
        queued = len(self.queue) + (self.job is not None)
        state = "paused" if not self.running else (
            f"training {queued} run{'s' if queued != 1 else ''}" if queued else "all runs done")
        self.set_status(state)
        if self.table.falls():
            self.lesson_visible(self.plain(
                "test accuracy falls as more of the training labels are wrong"))

    def action_share(self, direction: int) -> None:
        index = self.shares.index(self.selected) + direction
        self.selected = self.shares[min(max(index, 0), len(self.shares) - 1)]
        missing = [(self.selected, seed) for seed in range(lesson.SEEDS)
                   if seed not in self.table.seeds(self.selected)]
        self.queue = missing + [job for job in self.queue if job not in missing]
        if self.job is None:
            self._next()
        self.redraw()

    def action_toggle_run(self) -> None:
        self.running = not self.running
        if self.running:
            if self.job is None:
                self._next()
            else:
                self.trainer.start()
        else:
            if self.job is not None:
                self.trainer.pause()
        self.redraw()

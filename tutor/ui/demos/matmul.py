"""matmul: the same product timed three ways on this machine, and the error
each precision makes (see `tutor.lessons.matmul`).

Every figure is measured when the slide is shown: the stages run one after
the other in a daemon thread (`prepare`), each result drawn as it arrives,
with the stage being measured on the status line. No trainer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widget import Widget

from tutor.lessons import matmul as lesson
from tutor.ui.demos.base import DemoWidget
from tutor.ui.demos.registry import register
from tutor.ui.widgets.lines_view import LinesView
from tutor.viz.display import Display
from tutor.viz.grid import fit

PRECISION = "precision"


def seconds_text(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} us"


def speed_lines(n: int, timings: list[lesson.Timing], width: int, display: Display) -> list[Text]:
    """One line per method measured so far: time at n, GFLOP/s, speed-up over the loop."""
    lines = [Text(fit(f"C = A B, {n}x{n} float64, timed now on this machine", width),
                  style=display.label)]
    base = timings[0].estimated_seconds if timings else None
    for t in timings:
        star = "*" if t.scaled else " "
        ratio = f"{base / t.estimated_seconds:,.0f}x" if base else ""
        lines.append(Text(fit(f"  {t.method:<12}{seconds_text(t.estimated_seconds):>10}{star}"
                              f"{t.gflops:>9.3g} GFLOP/s{ratio:>10}", width)))
    for t in timings:
        if t.scaled:
            lines.append(Text(fit(f"  * measured at {t.measured_n}x{t.measured_n} and scaled by "
                                  f"({n}/{t.measured_n})^3", width), style=display.label))
        if t.first_call:
            lines.append(Text(fit(f"  numba's first call (compile or load): "
                                  f"{seconds_text(t.first_call)}", width), style=display.label))
    return lines


def precision_lines(rows: list[lesson.PrecisionRow], featured: str, width: int,
                    display: Display) -> list[Text]:
    lines = [Text(fit("the same product in fewer bits, against float64", width),
                  style=display.label)]
    for row in rows:
        mark = display.glyph("▶", ">") if row.name.split()[0] == featured else " "
        style = display.highlight if mark != " " else None
        lines.append(Text(fit(f"{mark} {row.name:<26}{row.bytes_per_number} B  "
                              f"error {row.relative_error:8.1e}  worst {row.max_error:.1e}",
                              width), style=style or ""))
    return lines


def rested(work: Callable[[], object]) -> object:
    """Run one measuring stage, then rest as long as it worked: the demo keeps
    to half a core (timings are medians of calls, which a rest between
    stages does not change)."""
    started = time.thread_time()
    result = work()
    time.sleep(time.thread_time() - started)
    return result


@register("matmul")
class Matmul(DemoWidget):
    FPS = 0
    HEIGHT = 14
    DEFAULT_CSS = """
    Matmul #matmul-lines { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "measure", "Measure again"),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        yield LinesView(id="matmul-lines")

    def start(self) -> None:
        self.settings = lesson.Settings.from_params(self.demo.params)
        self.graphics = Display.detect(self.ascii)
        self.action_measure()

    def action_measure(self) -> None:
        if getattr(self, "busy", False):
            return
        self.busy = True
        self.timings: list[lesson.Timing] = []
        self.rows: list[lesson.PrecisionRow] = []
        self.queue = [*lesson.stages(self.settings),
                      ("errors of float16 and float32", self._errors)]
        self.total = len(self.queue)
        self.error: BaseException | None = None
        self._next()

    def _errors(self) -> list[lesson.PrecisionRow]:
        return lesson.precision_errors(self.settings.n)

    def _next(self) -> None:
        if not self.queue:
            self.busy = False
            self.finished = time.strftime("%H:%M:%S")
            return
        self.current, work = self.queue.pop(0)
        self.prepare(lambda: rested(work))

    def ready(self, result: object, error: BaseException | None) -> None:
        if error is not None:
            self.error, self.queue, self.busy = error, [], False
            return
        if isinstance(result, lesson.Timing):
            self.timings.append(result)
        elif isinstance(result, list):
            self.rows = result
        self._next()

    def draw(self) -> None:
        if not self.query(LinesView):
            return  # being taken down: the views are gone
        view = self.query_one("#matmul-lines", LinesView)
        width = view.size.width or self.size.width
        if width <= 0:
            return
        lines = speed_lines(self.settings.n, self.timings, width, self.graphics)
        if self.rows:
            lines += [Text(""), *precision_lines(self.rows, self.settings.precision, width,
                                                 self.graphics)]
        view.set_lines([Text(self.plain(line.plain), style=line.style) for line in lines])
        done = self.total - len(self.queue) - (1 if self.busy else 0)
        if self.error is not None:
            self.set_status(f"measuring failed: {self.error}")
        elif self.busy:
            self.set_status(f"measuring {done + 1} of {self.total}: {self.current}...")
        else:
            self.set_status(f"measured at {self.finished} · r measures again")
        if not self.busy and self.error is None and len(self.timings) == 3 and self.rows:
            loop, blas, _ = self.timings
            half, single = self.rows[0], self.rows[2]
            self.lesson_visible(
                f"numpy is {loop.estimated_seconds / blas.estimated_seconds:,.0f}x faster than "
                f"the loop; float16 errs {half.relative_error / single.relative_error:,.0f}x "
                "more than float32")

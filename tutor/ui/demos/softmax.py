"""`softmax`: editable scores and temperature, probabilities drawn as bars.

Keys: Up/Down pick a score, +/- change it, [ and ] lower/raise the temperature,
r goes back to the slide's values. The bars always sum to 1 (the sum is
drawn under them); the lesson line says when the temperature has pushed the
distribution near the arg-max or near uniform (`tutor.lessons.softmax`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from tutor.lessons.softmax import Settings, softmax, verdict
from tutor.ui.demos.base import DemoWidget
from tutor.ui.demos.registry import register
from tutor.ui.widgets.lines_view import LinesView
from tutor.viz.bars import bars

SCORE_STEP = 0.5
TEMPERATURE_FACTOR = 1.5
T_MIN, T_MAX = 0.01, 100.0  # the spec's range for `temperature`
S_MIN, S_MAX = -20.0, 20.0  # and for each score


@register("softmax")
class SoftmaxDemo(DemoWidget):
    FPS = 0  # nothing trains: every change comes from a key and is drawn at once
    HEIGHT = 15
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("up", "select(-1)", "Previous score"),
        Binding("down", "select(1)", "Next score", show=False),
        Binding("plus,equals_sign", "change(1)", "Score +"),
        Binding("minus", "change(-1)", "Score -"),
        # t is the deck's Contents key: the temperature takes [ and ].
        Binding("left_square_bracket", "temperature(-1)", "T colder"),
        Binding("right_square_bracket", "temperature(1)", "T hotter"),
        Binding("r", "reset", "Slide's values"),
    ]
    DEFAULT_CSS = """
    SoftmaxDemo > .softmax-title { height: 1; text-style: bold; }
    SoftmaxDemo > LinesView { margin: 1 0; }
    SoftmaxDemo > .softmax-formula { height: auto; color: $text-muted; }
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.settings = Settings.from_demo(self.demo)
        self.scores = list(self.settings.scores)
        self.temperature = self.settings.temperature
        self.selected = 0

    def compose_demo(self) -> Iterable[Widget]:
        yield Static("", classes="softmax-title", markup=False)
        yield LinesView(classes="softmax-bars")
        yield Static(self.plain("p_i = exp(s_i / T) / Σ_j exp(s_j / T):  scores divided by "
                                "the temperature T, made positive, and shared out."),
                     classes="softmax-formula", markup=False)

    @property
    def probabilities(self) -> list[float]:
        return [float(p) for p in softmax(tuple(self.scores), self.temperature)]

    def draw(self) -> None:
        view = self.query_one(LinesView)
        width = view.size.width or self.size.width
        if width <= 0:
            return
        labels = [f"{chr(65 + i)} {s:+.1f}" for i, s in enumerate(self.scores)]
        view.set_lines(bars(self.probabilities, labels, width, self.graphics, vmax=1.0,
                            highlight=self.selected, show_sum=True))
        title = Text(f"softmax(scores / T)   T = {self.temperature:.3g}", style="")
        self.query_one(".softmax-title", Static).update(title)
        name, p = chr(65 + self.selected), self.probabilities[self.selected]
        self.set_status(f"class {name}: score {self.scores[self.selected]:+.1f}, "
                        f"probability {p:.1%}")
        self.lesson_visible(verdict(tuple(self.scores), self.temperature))

    def action_select(self, step: int) -> None:
        self.selected = (self.selected + step) % len(self.scores)
        self.redraw()

    def action_change(self, sign: int) -> None:
        score = self.scores[self.selected] + sign * SCORE_STEP
        self.scores[self.selected] = min(max(score, S_MIN), S_MAX)
        self.redraw()

    def action_temperature(self, direction: int) -> None:
        t = self.temperature * TEMPERATURE_FACTOR ** direction
        self.temperature = min(max(t, T_MIN), T_MAX)
        self.redraw()

    def action_reset(self) -> None:
        self.scores = list(self.settings.scores)
        self.temperature = self.settings.temperature
        self.redraw()

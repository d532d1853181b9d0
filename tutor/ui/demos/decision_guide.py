"""decision-guide: "do I need my own model?" answered with y / n, ending in a
recommendation and the slide that teaches it (Enter opens that slide).

The tree is data, `decision-guide.toml` in the deck folder (see
`tutor.content.guide`), validated by `dltutor check`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from tutor.content.guide import Answer, Guide, Question, read_guide
from tutor.ui.demos.base import DemoWidget
from tutor.ui.demos.registry import register


@register("decision-guide")
class DecisionGuide(DemoWidget):
    """y / n answer the question shown; b (or Backspace) goes back one; r starts over."""

    FPS = 0  # keys redraw
    HEIGHT = 10
    DEFAULT_CSS = """
    DecisionGuide > #guide {
        height: 1fr;
    }
    """
    LESSON_BY_KEYS = True  # the lesson is where the learner's answers lead
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("b", "back", "Back one"),
        Binding("backspace", "back", "Back one", show=False),
        Binding("r", "restart", "Start over"),
        Binding("enter", "open", "Open the slide"),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        self.deck = getattr(self.screen, "deck", None)
        self.guide: Guide | None = None
        self.problem = "this deck has no decision-guide.toml"
        if self.deck is not None and self.deck.path is not None:
            guide, problems = read_guide(self.deck.path, {s.id for s in self.deck.slides})
            self.guide = guide
            if problems:
                self.problem = str(problems[0])
        self.path: list[tuple[str, bool]] = []  # (question id, answered yes)
        yield Static("", id="guide", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self.redraw)  # no frame timer: draw once the parts exist

    # -- where we are ----------------------------------------------------------------
    @property
    def here(self) -> Question | Answer | None:
        """The question being asked, or the answer reached."""
        if self.guide is None:
            return None
        if not self.path:
            return self.guide.node(self.guide.start)
        last, yes = self.path[-1]
        question = self.guide.questions[last]
        return self.guide.node(question.yes if yes else question.no)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        here = self.here
        if action == "answer":
            return isinstance(here, Question)
        if action == "open":
            return isinstance(here, Answer) and self._opener() is not None
        if action in ("back", "restart"):
            return bool(self.path)
        return True

    # -- keys ------------------------------------------------------------------------
    def action_answer(self, yes: bool) -> None:
        here = self.here
        if isinstance(here, Question):
            self.path.append((here.id, yes))
            self._moved()

    def action_back(self) -> None:
        if self.path:
            self.path.pop()
            self._moved()

    def action_restart(self) -> None:
        self.path.clear()
        self._moved()

    def action_open(self) -> None:
        here, opener = self.here, self._opener()
        if isinstance(here, Answer) and opener is not None and self.deck is not None:
            opener(self.deck.slide_index(here.slide))

    def _opener(self) -> Callable[[int], None] | None:
        """The deck screen's `show(index)`, when the demo sits on one."""
        return getattr(self.screen, "show", None)

    def _moved(self) -> None:
        self.refresh_bindings()
        self.redraw()

    # -- drawing ---------------------------------------------------------------------
    def draw(self) -> None:
        self.query_one("#guide", Static).update(self.render_guide())
        here = self.here
        if isinstance(here, Answer):
            self.set_status("b back · r start over")
            self.lesson_visible(self.taught_on(here))
        elif here is not None:
            self.set_status(f"question {len(self.path) + 1} · y yes · n no"
                            + (" · b back" if self.path else ""))

    def taught_on(self, answer: Answer) -> str:
        """Where the recommendation is taught, and how to get there."""
        if self.deck is None:
            return f"Taught on slide '{answer.slide}'"
        index = self.deck.slide_index(answer.slide)
        where = f"Taught on slide {index + 1}, “{self.deck.slides[index].title}”"
        return where + (": Enter opens it" if self._opener() is not None else "")

    def render_guide(self) -> Text:
        """The questions answered so far, then the current question or the answer."""
        if self.guide is None:
            return Text(self.plain(f"No guide to show: {self.problem}"), style="italic")
        text = Text()
        for question_id, yes in self.path:
            question = self.guide.questions[question_id]
            text.append(self.plain("✓ "), style="dim")
            text.append(question.text, style="dim")
            text.append(self.plain(f"  → {'yes' if yes else 'no'}\n"), style="bold")
        here = self.here
        if isinstance(here, Question):
            text.append(self.plain("▶ "), style="bold")
            text.append(f"{here.text}\n", style="bold")
            text.append("  y yes   n no", style="italic")
        elif isinstance(here, Answer):
            text.append(self.plain("\n★ Recommendation:"), style="bold reverse")
            text.append(f" {here.text}", style="bold")
        return text

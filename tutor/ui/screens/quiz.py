"""The quiz: one question per topic, instant feedback, a score and a review."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from tutor import quiz
from tutor.content import Deck
from tutor.ui.screens.base import TutorScreen
from tutor.ui.widgets.scroller import Scroller
from tutor.viz.cards import question_card, score_card


class Phase(Enum):
    ASKING = "asking"
    FEEDBACK = "feedback"
    DONE = "done"


class QuizScreen(TutorScreen):
    BINDINGS = [
        # 1-4 answer; at the end 1-9 open the slide of a missed question.
        *(Binding(str(n), f"key('{n}')", "Answer / open slide", show=False) for n in range(1, 10)),
        *(Binding(c, f"key('{c}')", "Answer", show=False) for c in "abcd"),
        Binding("up", "move(-1)", "Highlight", show=False),
        Binding("down", "move(1)", "Highlight", show=False),
        # What Enter does changes with the phase: the hint line says it.
        Binding("enter", "confirm", "Choose / next", show=False),
        Binding("right", "next", "Next question", show=False),
        Binding("s", "slide", "Open slide"),
        Binding("r", "retake", "Retake"),
        Binding("l", "library", "Library"),
        Binding("escape", "library", "Library", show=False),
    ]
    EXTRA_KEYS = [("1-4 / a-d", "answer"), ("1-9 at the end", "open a missed question's slide")]

    def __init__(self, deck: Deck) -> None:
        super().__init__()
        self.deck = deck
        self.round: list[quiz.RoundQuestion] = []
        self.answers: list[quiz.Answer] = []
        self.attempt: int | None = None  # stored when the first answer is given
        self.position = 0
        self.highlighted = 0
        self.phase = Phase.ASKING

    def compose_body(self) -> Iterable[Widget]:
        with Scroller(id="quiz-scroll"):
            yield Static("", id="quiz-card")
        yield Static("", id="quiz-hint", markup=False)

    def on_mount(self) -> None:
        # The screen, not the pane, handles ↑ ↓ here: they move the highlight.
        self.query_one("#quiz-scroll", Scroller).can_focus = False
        if not self.resume():
            self.new_round()

    def resume(self) -> bool:
        """Go on with a round left unfinished (a dropped SSH connection, Ctrl-C)."""
        left = self.tutor.store.unfinished_attempt(self.deck.id)
        if left is None:
            return False
        given = {a.question: a.choice for a in left.answers}
        rebuilt = quiz.resume_round(self.deck, left.questions, given, self.tutor.rng)
        # Questions are answered in order: what was given is the round's start.
        if rebuilt is None or {i.question.id for i in rebuilt[0][:len(given)]} != set(given):
            return False
        self.round, self.answers = rebuilt
        self.attempt = left.id
        self.position = len(self.answers)
        self.highlighted = 0
        self.phase = Phase.ASKING
        self.redraw()
        self.tutor.notify(f"Going on with your quiz: {len(given)} of {len(self.round)} "
                          "answered already.", title="Quiz", timeout=6)
        return True

    # -- state ------------------------------------------------------------

    def new_round(self) -> None:
        previous = [item.question.id for item in self.round]
        asked = self.tutor.store.asked_counts(self.deck.id)
        self.round = quiz.draw_round(self.deck, self.tutor.rng, avoid=previous, asked=asked)
        self.answers = []
        self.attempt = None
        self.position = 0
        self.highlighted = 0
        self.phase = Phase.ASKING
        self.redraw()

    @property
    def current(self) -> quiz.RoundQuestion:
        return self.round[self.position]

    def give(self, shown: int) -> None:
        given = quiz.answer(self.current, shown)
        self.answers.append(given)
        self.tutor.save(lambda: self._store_answer(given))
        self.phase = Phase.FEEDBACK
        self.redraw()
        # The verdict and explanation matter now; on a short terminal they are
        # below the choices, so bring them into view.
        self.query_one("#quiz-scroll", Scroller).scroll_end(animate=False)

    def _store_answer(self, given: quiz.Answer) -> None:
        """Saved at once: Ctrl-C or a dropped connection must not lose it."""
        store = self.tutor.store
        if self.attempt is None:
            self.attempt = store.start_attempt(self.deck.id, [i.question.id for i in self.round])
        store.record_answer(self.attempt, given.question_id, given.choice, given.correct)
        if len(self.answers) == len(self.round):
            store.finish_attempt(self.attempt)

    def advance(self) -> None:
        if self.position + 1 < len(self.round):
            self.position += 1
            self.highlighted = 0
            self.phase = Phase.ASKING
        else:
            self.phase = Phase.DONE
        self.redraw()
        self.query_one("#quiz-scroll", Scroller).scroll_home(animate=False)

    def missed(self) -> list[quiz.RoundQuestion]:
        wrong = {a.question_id for a in self.answers if not a.correct}
        return [item for item in self.round if item.question.id in wrong]

    def slide_title(self, item: quiz.RoundQuestion) -> str:
        return self.deck.slides[self.deck.slide_index(item.question.slide)].title

    # -- drawing ------------------------------------------------------------

    def redraw(self) -> None:
        app = self.tutor
        total = len(self.round)
        right = sum(a.correct for a in self.answers)
        if self.phase is Phase.DONE:
            result = quiz.score(self.answers, total)
            card = score_card(result, [(m, self.slide_title(m)) for m in self.missed()],
                              app.ascii)
            bar = (f"Quiz  ·  {self.deck.title}", f"done: {right} of {total}")
            hint = ""  # the footer has every key; the card says what 1-9 do
        else:
            given = self.answers[self.position] if self.phase is Phase.FEEDBACK else None
            card = question_card(self.current, self.position + 1, total, self.highlighted,
                                 given, self.slide_title(self.current), app.ascii)
            bar = (f"Quiz  ·  {self.deck.title}",
                   f"question {self.position + 1} of {total}  ·  {right} right so far")
            if given is None:
                hint = "answer with 1-4 or a-d, or ↑ ↓ and Enter"
            else:
                then = "see your score" if self.position + 1 == total else "next question"
                hint = f"Enter or → {then}"
        self.set_bar(*bar)
        self.refresh_bindings()
        self.query_one("#quiz-card", Static).update(card)
        # Keys the footer names are not named again in the hint line.
        shown = self.query_one("#quiz-hint", Static)
        shown.update(app.plain_text(hint))
        shown.display = bool(hint)

    # -- keys ---------------------------------------------------------------

    # Which actions make sense in each phase; the footer shows only those.
    _ACTIONS_BY_PHASE = {
        Phase.ASKING: {"key", "move", "confirm", "library"},
        Phase.FEEDBACK: {"confirm", "next", "slide", "library", "move"},
        Phase.DONE: {"key", "retake", "library", "move"},
    }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not super().check_action(action, parameters):
            return False
        if action in {"key", "move", "confirm", "next", "slide", "retake", "library"}:
            return action in self._ACTIONS_BY_PHASE[self.phase]
        return True

    def action_key(self, key: str) -> None:
        if self.phase is Phase.ASKING:
            shown = quiz.parse_key(key, len(self.current.order))
            if shown is not None:
                self.give(shown)
        elif self.phase is Phase.DONE and key.isdigit():
            missed = self.missed()
            if 1 <= int(key) <= len(missed):
                self.tutor.peek_slide(self.deck, missed[int(key) - 1].question.slide)

    def action_move(self, step: int) -> None:
        if self.phase is Phase.ASKING:
            self.highlighted = (self.highlighted + step) % len(self.current.order)
            self.redraw()
        else:
            self.query_one("#quiz-scroll", Scroller).scroll_relative(y=step, animate=False)

    def action_confirm(self) -> None:
        if self.phase is Phase.ASKING:
            self.give(self.highlighted)
        elif self.phase is Phase.FEEDBACK:
            self.advance()

    def action_next(self) -> None:
        if self.phase is Phase.FEEDBACK:
            self.advance()

    def action_slide(self) -> None:
        if self.phase is Phase.FEEDBACK:
            self.tutor.peek_slide(self.deck, self.current.question.slide)

    def action_retake(self) -> None:
        if self.phase is Phase.DONE:
            self.new_round()

    def action_library(self) -> None:
        self.tutor.go_library()

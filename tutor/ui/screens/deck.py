"""One deck, one slide at a time."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from tutor.content import Deck
from tutor.ui.screens.base import TutorScreen
from tutor.ui.widgets.scroller import Scroller
from tutor.viz.cards import slide_body, slide_position


class DeckScreen(TutorScreen):
    """Slides of `deck`. With `peek`, opened from the quiz: leaving returns there."""

    BINDINGS = [
        Binding("right", "next", "Next"),
        Binding("left", "previous", "Back"),
        Binding("pagedown", "next", "Next", show=False),
        Binding("pageup", "previous", "Back", show=False),
        Binding("home", "first", "First slide", show=False),
        Binding("end", "last", "Last slide", show=False),
        Binding("t", "contents", "Contents"),
        Binding("g", "glossary", "Glossary"),
        Binding("l", "leave", "Library"),
        Binding("escape", "leave", "Library", show=False),
    ]
    EXTRA_KEYS = [("Up / Down / wheel", "scroll a long slide")]

    def __init__(self, deck: Deck, index: int = 0, peek: bool = False) -> None:
        super().__init__()
        self.deck = deck
        self.index = max(0, min(index, len(deck.slides) - 1))
        self.peek = peek

    def compose_body(self) -> Iterable[Widget]:
        yield Static("", id="slide-title", markup=False)
        with Scroller(id="slide-scroll"):
            yield Static("", id="slide-body")
        yield Static("", id="slide-hint", markup=False)

    def on_mount(self) -> None:
        self.show(self.index)
        self.query_one("#slide-scroll").focus()

    def show(self, index: int) -> None:
        self.index = index
        slide = self.deck.slides[index]
        app = self.tutor
        section = self.deck.section(slide.section).title
        where = "From the quiz" if self.peek else self.deck.title
        self.set_bar(f"{section}  ·  {where}", slide_position(self.deck, index))
        self.query_one("#slide-title", Static).update(app.plain_text(slide.title))
        self.query_one("#slide-body", Static).update(slide_body(slide, app.ascii))
        self.query_one("#slide-hint", Static).update(app.plain_text(self.hint()))
        self.query_one("#slide-scroll", Scroller).scroll_home(animate=False)
        app.save(lambda: app.store.visit(self.deck.id, slide.id, resume=not self.peek))

    def hint(self) -> str:
        last = self.index == len(self.deck.slides) - 1
        if self.peek:
            return "Esc or l: back to the question"
        if last and self.deck.questions:
            return "→ start the quiz"
        if last:
            return "End of the deck. l: back to the library"
        return "← → move · ↑ ↓ scroll · t contents · ? keys"

    def action_next(self) -> None:
        if self.index < len(self.deck.slides) - 1:
            self.show(self.index + 1)
        elif not self.peek and self.deck.questions:
            self.tutor.open_quiz(self.deck)

    def action_previous(self) -> None:
        if self.index > 0:
            self.show(self.index - 1)

    def action_first(self) -> None:
        self.show(0)

    def action_last(self) -> None:
        self.show(len(self.deck.slides) - 1)

    def action_contents(self) -> None:
        from tutor.ui.screens.contents import ContentsScreen

        seen = self.tutor.store.seen(self.deck.id)

        def jump(index: int | None) -> None:
            if index is not None:
                self.show(index)

        self.app.push_screen(ContentsScreen(self.deck, self.index, seen), jump)

    def action_glossary(self) -> None:
        from tutor.ui.screens.glossary import GlossaryScreen

        self.app.push_screen(GlossaryScreen(self.deck), self._show_chosen)

    def _show_chosen(self, index: int | None) -> None:
        if index is not None:
            self.show(index)

    def action_leave(self) -> None:
        if self.peek:
            self.dismiss()
        else:
            self.tutor.go_library()


class PeekScreen(DeckScreen):
    """A deck's slides opened from the quiz; leaving returns to the question."""

    BINDINGS = [
        Binding("l", "leave", "Back to quiz"),
        Binding("escape", "leave", "Back to quiz", show=False),
    ]

    def __init__(self, deck: Deck, index: int = 0) -> None:
        super().__init__(deck, index, peek=True)

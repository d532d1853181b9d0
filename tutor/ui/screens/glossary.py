"""Glossary: each term of the deck with the slide that defines it; Enter goes there."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.content import Deck
from tutor.ui.screens.base import tutor_app
from tutor.ui.widgets.choices import Choices


class GlossaryScreen(ModalScreen[int | None]):
    """Dismissed with the index of the slide to open, or None."""

    # Styled by glossary.tcss, which the app reads at start (see TutorApp.CSS_PATH).
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("g", "close", "Close", show=False),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, deck: Deck) -> None:
        super().__init__()
        self.deck = deck

    def compose(self) -> ComposeResult:
        plain = tutor_app(self).plain_text
        options: list[Option | None] = []
        self._targets: list[int] = []  # slide index of each option
        for term in sorted(self.deck.glossary, key=lambda t: t.term.lower()):
            index = self.deck.slide_index(term.slide)
            title = self.deck.slides[index].title
            # Text, not str: an option's str is parsed as markup, and deck
            # text holding "[@click=...]" would become a live action.
            options.append(Option(Text(plain(f"{term.term}: {term.means}\n"
                                             f"   slide {index + 1}, {title}"))))
            self._targets.append(index)
        with Vertical(id="glossary"):
            yield Static(plain("Glossary   (Enter opens the slide · Esc closes)"),
                         classes="dialog-title", markup=False)
            if options:
                yield Choices(*options, id="glossary-list")
            else:
                yield Static(plain("This deck has no glossary."), id="glossary-empty",
                             markup=False)

    def on_mount(self) -> None:
        for listing in self.query(OptionList):
            listing.focus()

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._targets[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)

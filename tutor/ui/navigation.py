"""Which screen shows: the first one, and the ways between the library, the
decks, their quizzes and a slide peeked at from a quiz. A base of `TutorApp`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.screen import Screen

from tutor.options import AppOptions
from tutor.ui.upstream import switchable

if TYPE_CHECKING:
    from tutor.content import Deck, Library


class ScreenNavigation(App[None]):
    options: AppOptions
    last_deck: str | None

    @property
    def library(self) -> Library:
        """The decks (`TutorApp` has them)."""
        raise NotImplementedError

    def get_default_screen(self) -> Screen[Any]:
        """The first screen itself: the library, or the deck or quiz the
        session starts in. Textual's own empty screen under it was mounted,
        styled and laid out at every start for nothing; a deck started
        straight into has no library under it until the learner goes there
        (a workshop session spent a fifth of its start-up building one)."""
        return switchable(self._first_screen())

    def _first_screen(self) -> Screen[Any]:
        from tutor.ui.screens.library import LibraryScreen

        if not self.options.deck:
            return LibraryScreen()
        deck = self.library.get(self.options.deck)
        self.last_deck = deck.id
        if self.options.quiz:
            from tutor.ui.screens.quiz import QuizScreen

            return QuizScreen(deck)
        from tutor.ui.screens.deck import DeckScreen
        from tutor.ui.startup import resolve_slide

        return DeckScreen(deck, resolve_slide(deck, self.options.slide))

    def open_deck(self, deck: Deck, index: int = 0) -> None:
        from tutor.ui.screens.deck import DeckScreen

        self.last_deck = deck.id
        self._open_from_library(DeckScreen(deck, index))

    def open_quiz(self, deck: Deck) -> None:
        """The deck's quiz (it goes on with a round left unfinished)."""
        from tutor.ui.screens.quiz import QuizScreen

        self.last_deck = deck.id
        self._open_from_library(QuizScreen(deck))

    def _open_from_library(self, screen: Screen[Any]) -> None:
        """`screen` over the library; or, in a session that started straight
        into a deck and never went to the library, in place of that deck."""
        from tutor.ui.screens.library import LibraryScreen

        self.go_library(build=False)
        if isinstance(self.screen, LibraryScreen):
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def peek_slide(self, deck: Deck, slide_id: str) -> None:
        """Show a slide over the current screen; leaving it returns here."""
        from tutor.ui.screens.deck import PeekScreen

        self.push_screen(PeekScreen(deck, deck.slide_index(slide_id)))

    def go_library(self, build: bool = True) -> None:
        """Back to the library, closing what is over it. After a start straight
        into a deck, the library is built the first time the learner goes
        there, in place of that first screen (unless `build` is off)."""
        from tutor.ui.screens.library import LibraryScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, LibraryScreen):
            self.pop_screen()
        if build and not isinstance(self.screen, LibraryScreen):
            self.switch_screen(LibraryScreen())

"""The library: every deck with its length, prerequisite and the learner's progress."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from textual import on
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.content.outline import DeckCard
from tutor.ui.screens.base import TutorScreen
from tutor.ui.widgets.choices import Choices
from tutor.viz.ascii import plain
from tutor.viz.deck_entry import deck_entry

if TYPE_CHECKING:
    from tutor.content import Deck


class LibraryScreen(TutorScreen):
    BINDINGS = [
        Binding("enter", "open", "Open", show=True),
        Binding("c", "continue", "Continue"),
        Binding("x", "quiz", "Quiz"),
    ]

    def compose_body(self) -> Iterable[Widget]:
        notices = self.notices()
        notice = Static(self.tutor.plain_text("\n".join(notices)), id="notice", markup=False)
        notice.display = bool(notices)
        yield notice
        yield Static("", id="resume", markup=False)
        yield Choices(id="decks")
        # Only the keys the footer leaves out (the list's own): it names the rest.
        yield Static(self.tutor.plain_text("↑ ↓ choose · Enter open"),
                     id="library-hint", markup=False)

    def initial_bar(self) -> tuple[str, str]:
        count = len(self.decks)
        return (f"dltutor  ·  library  ·  {self.tutor.store.participant}",
                f"{count} deck{'s' if count != 1 else ''}")

    def notices(self) -> list[str]:
        """The start-up notice, and which decks did not load."""
        notices = [self.tutor.notice] if self.tutor.notice else []
        broken = self.tutor.library.broken() if self.tutor.library_loaded else set()
        if broken:
            notices.append(f"Not loaded, with problems: {', '.join(sorted(broken))}. "
                           f"Run '{self.tutor.check_command()}' to see them.")
        return notices

    @property
    def decks(self) -> Sequence[DeckCard]:
        """The decks listed: an outline of them until the checked ones are loaded."""
        return self.tutor.catalog

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.refresh_entries()

    def library_changed(self) -> None:
        """The checked decks differ from the outline first shown (a deck has
        problems, or changed in between): list them, and say what did not load."""
        count = len(self.decks)
        self.set_bar(self.initial_bar()[0], f"{count} deck{'s' if count != 1 else ''}")
        notices = self.notices()
        notice = self.query_one("#notice", Static)
        notice.update(self.tutor.plain_text("\n".join(notices)))
        notice.display = bool(notices)
        self.refresh_entries()

    def refresh_entries(self) -> None:
        store = self.tutor.store
        ascii = self.tutor.ascii
        options = self.query_one("#decks", Choices)
        keep = options.highlighted
        options.clear_options()
        for deck in self.decks:
            last = store.last_slide(deck.id)
            resume_at = _index_or_none(deck, last)
            entry = deck_entry(deck, len(store.seen(deck.id) & {s.id for s in deck.slides}),
                               store.best_score(deck.id), resume_at)
            options.add_option(Option(plain(entry, ascii), id=deck.id))
            # A rule between decks; it is drawn with box characters, so a blank
            # line stands in for it under --ascii.
            options.add_option(Option("", disabled=True) if ascii else None)
        resume = self.resume_point()
        banner = self.query_one("#resume", Static)
        if resume:
            deck, index = resume
            banner.update(self.tutor.plain_text(
                f"Press c to continue \u201c{deck.title}\u201d at slide "
                f"{index + 1} of {len(deck.slides)}: {deck.slides[index].title}"))
            banner.display = True
            if keep is None:
                keep = options.get_option_index(deck.id)
        else:
            banner.display = False
        if self.tutor.last_deck is not None:  # back from a deck or quiz: stay on it
            keep = options.get_option_index(self.tutor.last_deck)
        options.highlighted = keep if keep is not None else 0
        options.focus()

    def resume_point(self) -> tuple[DeckCard, int] | None:
        """The deck and slide the learner was on most recently."""
        store = self.tutor.store
        recent = store.recent_position()
        if recent is None:
            return None
        deck_id, slide_id = recent
        for deck in self.decks:
            index = _index_or_none(deck, slide_id) if deck.id == deck_id else None
            if index is not None:
                return deck, index
        return None

    def highlighted_deck(self) -> DeckCard | None:
        options = self.query_one("#decks", Choices)
        if options.highlighted is None:
            return None
        option_id = options.get_option_at_index(options.highlighted).id
        return next((d for d in self.decks if d.id == option_id), None)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if self.is_active:  # a second Enter queued behind the one that opened a deck
            self.action_open()

    def checked(self, card: DeckCard | None) -> Deck | None:
        """The loaded deck a library entry stands for (None if it did not load)."""
        if card is None:
            return None
        try:
            return self.tutor.library.get(card.id)
        except KeyError:  # it had problems: the list is redrawn without it
            return None

    def action_open(self) -> None:
        """Open the deck; if it was left part-way, ask: continue there or start over."""
        deck = self.checked(self.highlighted_deck())
        if deck is None:
            return
        left_at = _index_or_none(deck, self.tutor.store.last_slide(deck.id))
        if not left_at:
            self.tutor.open_deck(deck, 0)
            return
        from tutor.ui.screens.choose import ChooseScreen

        def go(choice: str | None) -> None:
            if choice is not None:
                self.tutor.open_deck(deck, left_at if choice == "continue" else 0)

        self.app.push_screen(ChooseScreen(deck.title, [
            ("continue", f"Continue at slide {left_at + 1} of {len(deck.slides)}: "
                         f"{deck.slides[left_at].title}"),
            ("start", "Start over from the first slide"),
        ]), go)

    def action_continue(self) -> None:
        resume = self.resume_point()
        deck = self.checked(resume[0]) if resume else None
        if resume is None or deck is None:
            self.notify("Nothing to continue yet: open a deck with Enter.")
            return
        self.tutor.open_deck(deck, deck.slide_index(resume[0].slides[resume[1]].id))

    def action_quiz(self) -> None:
        deck = self.checked(self.highlighted_deck())
        if deck is None:
            return
        if not deck.questions:
            self.notify(f"{deck.title} has no quiz.")
            return
        self.tutor.open_quiz(deck)


def _index_or_none(deck: DeckCard, slide_id: str | None) -> int | None:
    if slide_id is None:
        return None
    try:
        return deck.slide_index(slide_id)
    except KeyError:  # the deck was edited since; that slide is gone
        return None

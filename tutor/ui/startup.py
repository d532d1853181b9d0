"""`make_app`, the one factory for the CLI, the fork server and the tests: it
checks the options against the decks, opens the learner's progress and
builds the app (from an outline of the decks when it can, to start sooner)."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from tutor.content import preload
from tutor.content.outline import read_outlines
from tutor.options import AppOptions
from tutor.progress import ProgressStore
from tutor.ui.app import TutorApp

if TYPE_CHECKING:
    from tutor.content import Deck


class StartupError(Exception):
    """dltutor cannot start with these options; the message says why."""


def resolve_slide(deck: Deck, slide: str | None) -> int:
    """A slide id or 1-based number to an index; StartupError if neither."""
    if slide is None:
        return 0
    if slide.isdigit() and 1 <= int(slide) <= len(deck.slides):
        return int(slide) - 1
    try:
        return deck.slide_index(slide)
    except KeyError:
        raise StartupError(
            f"deck '{deck.id}' has no slide '{slide}' (use an id or a number "
            f"from 1 to {len(deck.slides)})") from None


def make_app(options: AppOptions) -> TutorApp:
    """Load the decks (or, to start sooner, their outline: see
    `tutor.content.outline`) and the learner's progress, and build the app."""
    if not options.deck:
        outline = None if preload.is_preloaded(options.content_dir) else \
            read_outlines(options.content_dir)
        if outline is not None:
            store, notice = ProgressStore.open(options.state_dir, options.participant,
                                               options.room_link)
            return TutorApp(options, None, store, notice, outline=outline)
    library = preload.load(options.content_dir)
    if not library.decks:
        problems = "\n".join(str(p) for p in library.problems)
        raise StartupError(f"no deck could be loaded from {options.content_dir}\n{problems}")
    if options.deck:
        try:
            deck = library.get(options.deck)
        except KeyError:
            if options.deck in library.broken():
                problems = "\n".join(str(p) for p in library.problems)
                raise StartupError(f"deck '{options.deck}' has problems:\n{problems}") from None
            names = ", ".join(d.id for d in library.decks)
            from tutor.cli import COMMANDS

            close = difflib.get_close_matches(options.deck, [*COMMANDS, *library.ids()], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise StartupError(f"no deck named '{options.deck}'{hint} "
                               f"(decks: {names}; commands: {', '.join(COMMANDS)})") from None
        resolve_slide(deck, options.slide)
        if options.quiz and not deck.questions:
            raise StartupError(f"deck '{deck.id}' has no quiz")
    store, notice = ProgressStore.open(options.state_dir, options.participant,
                                       options.room_link)
    return TutorApp(options, library, store, notice)

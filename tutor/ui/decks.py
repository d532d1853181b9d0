"""The app's decks: checked ones, or an outline of them until those are loaded.

The first screen is drawn from `tutor.content.outline`; the full check of
every deck then runs in a thread. Anything that needs a checked deck before
that thread is done waits for it (a key pressed within the first frame).
No Textual here: the app is told through the callback it passes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.content import preload
from tutor.content.outline import DeckCard, DeckOutline, outline_of

if TYPE_CHECKING:
    from tutor.content import Library


class Decks:
    def __init__(self, content_dir: Path, library: Library | None,
                 outline: tuple[DeckOutline, ...] | None) -> None:
        if library is None and outline is None:
            raise ValueError("the app needs a library or an outline of one")
        self.content_dir = content_dir
        self._library = library
        self._outline = outline
        self._loading: Future[Library] | None = None

    @property
    def library(self) -> Library:
        """The checked decks (waiting for the loading thread if it runs)."""
        if self._library is None:
            if self._loading is None:
                self._library = preload.load(self.content_dir)
            else:
                self._library = self._loading.result()
        return self._library

    @property
    def loaded(self) -> bool:
        return self._library is not None

    @property
    def catalog(self) -> Sequence[DeckCard]:
        """The decks as the library lists them: checked ones once they are loaded."""
        if self._library is None and self._outline is not None:
            return self._outline
        return self.library.decks

    def load_in_background(self, done: Callable[[], object]) -> None:
        """Check the decks in a thread, then call `done` (from that thread)."""
        loading: Future[Library] = Future()
        self._loading = loading

        def load() -> None:
            try:
                loading.set_result(preload.load(self.content_dir))
            except BaseException as exc:  # re-raised where `library` is read
                loading.set_exception(exc)
            done()

        threading.Thread(target=load, name="dltutor-library", daemon=True).start()

    def settle(self) -> bool:
        """Drop the outline for the checked decks; True when the listing changes
        (a deck has problems, or changed since the outline was read)."""
        outline, self._outline = self._outline, None
        library = self.library  # the error, if loading failed, surfaces here
        return bool(outline != tuple(outline_of(deck) for deck in library.decks)
                    or library.problems)

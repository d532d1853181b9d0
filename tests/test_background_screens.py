"""An opaque screen hides what is under it: Textual is not asked to lay out
and repaint it (that cost every session a second full frame at start)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.screen import ModalScreen
from ui_helpers import wait_until

from tutor.options import AppOptions
from tutor.ui.startup import make_app

Options = Callable[..., AppOptions]


async def test_only_a_dialog_lets_the_screen_under_it_show(
        good_content: Path, options_for: Options) -> None:
    app = make_app(options_for(good_content))
    async with app.run_test(size=(100, 30)) as pilot:
        # The library is the first screen itself, with no empty one under it.
        assert [type(s).__name__ for s in app.screen_stack] == ["LibraryScreen"]
        await pilot.press("enter")  # a deck over the library
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DeckScreen")
        assert len(app.screen_stack) == 2 and app._background_screens == []
        await pilot.press("question_mark")  # a dialog: the deck shows around it
        await wait_until(pilot, lambda: isinstance(app.screen, ModalScreen))
        assert type(app._background_screens[-1]).__name__ == "DeckScreen"


@pytest.mark.parametrize("deck", [None, "alpha"])
async def test_a_screen_is_painted_whole_once_when_it_first_shows(
        good_content: Path, options_for: Options, monkeypatch: pytest.MonkeyPatch,
        deck: str | None) -> None:
    # Textual paints a screen whole as it first shows, then asked for a second
    # whole repaint: a redundant frame (5.5 KB over SSH) at every start.
    from textual._compositor import Compositor

    full_frames: list[str] = []
    render_full_update = Compositor.render_full_update

    def record(self: Compositor, *args: object, **kwargs: object) -> object:
        full_frames.append(type(self.root).__name__)
        return render_full_update(self, *args, **kwargs)

    monkeypatch.setattr(Compositor, "render_full_update", record)
    app = make_app(options_for(good_content, deck=deck))
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(10):  # anything queued behind the first frame has run
            await pilot.pause(0.02)
        assert len(full_frames) == 1


async def test_after_a_resize_the_title_bar_fits_the_new_width(
        good_content: Path, options_for: Options) -> None:
    # Fitted before Textual laid the screen out at its new size, the bar was
    # fitted to the old width: after a resize from tiny, an empty title bar.
    from textual.widgets import Static

    from tutor.ui.screens.base import BAR_PADDING
    from tutor.ui.screens.deck import DeckScreen
    from tutor.viz.cards import slide_header

    app = make_app(options_for(good_content, deck="alpha"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DeckScreen))
        deck = app.screen
        assert isinstance(deck, DeckScreen)

        def bar_fits(width: int) -> bool:
            left, right = slide_header(deck.deck, deck.index, deck.deck.title,
                                       width - BAR_PADDING)
            shown = (str(deck.query_one("#bar-left", Static).content),
                     str(deck.query_one("#bar-right", Static).content))
            return deck.size.width == width and shown == (left, right)

        for width, height in [(20, 8), (200, 50), (79, 24), (120, 30)]:
            await pilot.resize_terminal(width, height)
            await wait_until(pilot, lambda width=width: bar_fits(width),
                             what=f"the title bar fitted to {width} columns")

"""The fit check measures what the app shows: same renderer, same pane."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import REAL_CONTENT
from ui_helpers import wait_until

from tutor.content import load_library
from tutor.options import AppOptions
from tutor.ui.screens.deck import DeckScreen
from tutor.ui.startup import make_app
from tutor.viz.fit import BODY_HEIGHT, BODY_WIDTH, slide_lines


@pytest.mark.parametrize("deck_id", [d.id for d in load_library(REAL_CONTENT).decks])
async def test_measured_rows_are_the_rows_the_app_shows_at_80x24(
        deck_id: str, options_for: Callable[..., AppOptions]) -> None:
    app = make_app(options_for(deck=deck_id))
    deck = app.library.get(deck_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DeckScreen)
        pane = screen.query_one("#slide-scroll")
        body = screen.query_one("#slide-body")
        # Slides with a live demo share the pane with it; text-only slides
        # show exactly what the check measures.
        for index, slide in enumerate(deck.slides):
            if slide.demo is not None:
                continue
            screen.show(index)
            await pilot.pause()
            assert pane.content_region.width == BODY_WIDTH
            assert pane.content_region.height == BODY_HEIGHT
            # on a busy machine the new slide's text can take more than one refresh to lay out
            rows = slide_lines(slide)
            await wait_until(pilot, lambda rows=rows: body.outer_size.height == rows,
                             what=f"slide {slide.id} to lay out as {rows} rows")
            assert pane.max_scroll_y == 0, slide.id

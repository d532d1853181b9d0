"""Keys and resizes arriving faster than screens change: the app keeps going."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

from textual import events

from tutor.options import AppOptions
from tutor.ui.app import TutorApp
from tutor.ui.screens.deck import DeckScreen
from tutor.ui.screens.library import LibraryScreen
from tutor.ui.startup import make_app

SIZE = (80, 24)
Options = Callable[..., AppOptions]
# Every key the app binds, and some it does not; never q or Ctrl-C (they quit).
KEYS = ["enter", "enter", "escape", "escape", "left", "right", "up", "down", "home", "end",
        "pageup", "pagedown", "t", "l", "c", "x", "r", "s", "question_mark", "tab",
        "1", "2", "3", "4", "5", "a", "b", "d", "z", "space", "ctrl+x", "ä", "\ufffd"]


def _key(name: str) -> events.Key:
    character = {"space": " ", "question_mark": "?"}.get(name, name)
    return events.Key(name, character if len(character) == 1 else None)


async def _back_to_the_library(app: TutorApp, pilot: object) -> None:
    for _ in range(6):
        await pilot.press("escape")  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, LibraryScreen)


async def test_enter_twice_in_one_read_opens_one_deck(good_content: Path,
                                                      options_for: Options) -> None:
    app = make_app(options_for(good_content))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(_key("enter"))
        app.post_message(_key("enter"))
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, DeckScreen)
        assert len(app.screen_stack) == 2  # the library, one deck


async def test_a_seeded_key_storm_leaves_the_app_running_and_answering(
        good_content: Path, options_for: Options) -> None:
    rng = random.Random(int(os.environ.get("STORM_SEED", "9")))
    app = make_app(options_for(good_content))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(150):
            for _ in range(rng.randint(1, 30)):  # a burst: keys read together
                app.post_message(_key(rng.choice(KEYS)))
            if rng.random() < 0.1:
                await pilot.resize_terminal(rng.randint(1, 120), rng.randint(1, 40))
            elif rng.random() < 0.1:
                await pilot.resize_terminal(*SIZE)
            await pilot.pause()
            assert app.is_running
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        await _back_to_the_library(app, pilot)
        await pilot.press("home")  # the highlight can rest on a blank line between decks
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, LibraryScreen)

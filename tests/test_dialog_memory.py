"""Opening and closing a dialog many times keeps no widget alive (issue 9)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

import pytest
from textual._styles_cache import StylesCache
from textual.pilot import Pilot
from textual.widget import Widget

from tutor.options import AppOptions
from tutor.ui.startup import make_app

Options = Callable[..., AppOptions]

# Textual's own cache kept 1,024 widgets' style caches (about 14 a dialog):
# growth shows long before that many opens.
OPENS = 60


def live_widget_objects() -> int:
    """Widgets and the style caches that hold their rendered lines."""
    gc.collect()
    return sum(isinstance(o, Widget | StylesCache) for o in gc.get_objects())


async def open_and_close(pilot: Pilot[None], key: str, times: int) -> None:
    for _ in range(times):
        await pilot.press(key, "escape")
    await pilot.pause()


@pytest.mark.parametrize("key", ["question_mark", "t"])
async def test_dialogs_keep_nothing_once_closed(key: str, good_content: Path,
                                                options_for: Options) -> None:
    app = make_app(options_for(good_content, deck="alpha"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_and_close(pilot, key, 5)  # first-use caches filled
        before = live_widget_objects()
        await open_and_close(pilot, key, OPENS)
        after = live_widget_objects()
        assert app.screen.is_active and len(app.screen_stack) == 1  # the deck alone
        assert after <= before, f"{after - before} more widget objects after {OPENS} opens"

"""F2 in a workshop session: the server's disk is not the participant's to fill."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets._toast import Toast

from tutor.content import load_library
from tutor.options import AppOptions
from tutor.progress import ProgressStore
from tutor.ui.app import TutorApp
from tutor.ui.screens.help import HelpScreen


async def test_f2_saves_nothing_in_a_workshop_session_and_says_why(
        tmp_path: Path, good_content: Path, options_for: Callable[..., AppOptions],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # where a screenshot would land on the server
    options = options_for(good_content, deck="alpha")
    store, _ = ProgressStore.open(options.state_dir, options.participant)
    # The session's link to the server is only used to open the store, done above.
    app = TutorApp(dataclasses.replace(options, room_link=0), load_library(good_content), store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for _ in range(3):
            await pilot.press("f2")
        await pilot.pause()
        assert not list(tmp_path.rglob("*.svg"))
        toasts = [toast.render().plain for toast in app.screen.query(Toast)]
        assert toasts and "not available in a workshop" in toasts[-1]


@pytest.mark.parametrize("workshop", [False, True], ids=["alone", "workshop"])
async def test_the_help_offers_f2_only_where_it_saves(
        workshop: bool, good_content: Path, options_for: Callable[..., AppOptions]) -> None:
    options = options_for(good_content, deck="alpha")
    store, _ = ProgressStore.open(options.state_dir, options.participant)
    link = 0 if workshop else None
    app = TutorApp(dataclasses.replace(options, room_link=link), load_library(good_content), store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(app.screen.key_lines())
        assert "Keys" in text  # the app's other keys are still listed
        assert ("F2" in text) is not workshop and ("Screenshot" in text) is not workshop

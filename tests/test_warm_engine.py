"""Opening a deck warms its demos' kernels in the background, once, after the first frame."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from ui_helpers import wait_until

import tutor.nn.warmup
from tutor.options import AppOptions
from tutor.ui.screens.library import LibraryScreen
from tutor.ui.startup import make_app

Options = Callable[..., AppOptions]


async def test_opening_a_deck_warms_its_demos_once(
        options_for: Options, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[list[str], str]] = []

    def record(names: list[str]) -> None:
        calls.append((list(names), threading.current_thread().name))

    monkeypatch.setattr(tutor.nn.warmup, "warm_demos", record)
    app = make_app(options_for(deck="deep-learning", warm_up=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: bool(calls), what="the warm-up")
        names, thread = calls[0]
        deck = app.library.get("deep-learning")
        assert names == [s.demo.name for s in deck.slides if s.demo is not None]
        assert thread != threading.main_thread().name  # never on the UI thread
        await pilot.press("l")
        assert isinstance(app.screen, LibraryScreen)
        app.open_deck(deck)
        await pilot.pause()
        assert len(calls) == 1  # once per process and deck


async def test_tests_and_option_can_turn_it_off(
        options_for: Options, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(tutor.nn.warmup, "warm_demos", calls.append)
    app = make_app(options_for(deck="deep-learning"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
    assert calls == []


def test_a_workshop_session_leaves_the_warm_up_to_the_server(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tutor.cli import app_options, build_parser
    from tutor.locations import ROOM_LINK_ENV

    args = build_parser().parse_args([])
    monkeypatch.delenv(ROOM_LINK_ENV, raising=False)
    assert app_options(args, tmp_path, None, quiz=False).warm_up
    monkeypatch.setenv(ROOM_LINK_ENV, "7")
    options = app_options(args, tmp_path, None, quiz=False)
    assert options.room_link == 7 and not options.warm_up

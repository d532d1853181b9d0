"""Each key is named once: the hint line above the footer says only what the footer cannot."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static
from ui_helpers import wait_until

from tutor.options import AppOptions
from tutor.ui.demos import registry
from tutor.ui.demos.base import DemoWidget
from tutor.ui.screens.deck import DeckScreen
from tutor.ui.screens.library import LibraryScreen
from tutor.ui.screens.quiz import Phase, QuizScreen
from tutor.ui.startup import make_app
from tutor.ui.widgets.footer import KeyHint, TutorFooter, fit_hints, hint_width, key_hints

Options = Callable[..., AppOptions]
HINTS = "#library-hint, #slide-hint, #quiz-hint"


class StillDemo(DemoWidget):
    """A demo with keys of its own and no trainer: the footer lists its keys first."""

    BINDINGS = [Binding("space", "noop", "Pause / run"), Binding("r", "noop", "Retrain")]

    def compose_demo(self) -> Iterable[Widget]:
        yield Static("still")

    def action_noop(self) -> None:
        pass


def named(key: str, text: str) -> bool:
    """Whether `text` names `key` as a key: a word of its own, as in "c continue",
    "d: demo" or "(Esc)", not a letter inside a word."""
    return re.search(rf"(?<![^\s(]){re.escape(key)}(?=[\s:,)]|$)", text) is not None


def test_named_finds_keys_and_not_letters() -> None:
    assert named("c", "↑ ↓ choose · c continue") and named("?", "t contents · ? keys")
    assert named("→", "Enter or → next") and named("d", "d: live demo")
    assert not named("c", "choose · contents") and not named("l", "last slide")


async def shown_keys(pilot: object, screen: object) -> tuple[str, str]:
    """The hint line (empty when hidden) and the footer's keys, once the footer caught up."""
    app = pilot.app  # type: ignore[attr-defined]
    footer = app.screen.query_one(TutorFooter)
    await wait_until(pilot, lambda: footer.hints == key_hints(app.screen, app.get_key_display)
                     and bool(footer.hints), what="the footer's keys")  # type: ignore[arg-type]
    hint = app.screen.query_one(HINTS, Static)
    text = str(hint.content) if hint.display else ""
    return text, " ".join(h.key for h in footer.hints)


def assert_named_once(where: str, hint: str, footer: str, ascii: bool) -> None:
    twice = [key for key in footer.split() if named(key, hint)]
    assert not twice, f"{where}: {twice} named in the hint {hint!r} and the footer {footer!r}"
    if ascii:
        assert hint.isascii() and footer.isascii(), f"{where}: {hint!r} / {footer!r}"


@pytest.mark.parametrize("ascii", [False, True], ids=["unicode", "ascii"])
async def test_no_key_is_named_in_both_the_hint_line_and_the_footer(
        ascii: bool, good_content: Path, options_for: Options,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._WIDGETS, "lr-race", StillDemo)
    seen: dict[str, str] = {}

    async def check(pilot: object, where: str) -> None:
        hint, footer = await shown_keys(pilot, pilot.app.screen)  # type: ignore[attr-defined]
        assert_named_once(where, hint, footer, ascii)
        seen[where] = hint
        bar = pilot.app.screen.query_one(TutorFooter)  # type: ignore[attr-defined]
        drawn = bar.render().plain
        assert cell_len(drawn) <= bar.size.width and drawn.rstrip().endswith("Keys"), where

    app = make_app(options_for(good_content, ascii=ascii))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen), what="library")
        await check(pilot, "library")
        await pilot.press("down", "enter")  # alpha's first slide: text only
        await wait_until(pilot, lambda: isinstance(app.screen, DeckScreen), what="a slide")
        await check(pilot, "text slide")
        deck = app.screen
        assert isinstance(deck, DeckScreen) and deck.deck.id == "alpha"
        await pilot.press("right", "right", "right")  # the last, its demo one key away
        await wait_until(pilot, lambda: deck.layout_mode == "toggle", what="demo one key away")
        await check(pilot, "last slide, demo hidden")
        await pilot.press("d")
        await wait_until(pilot, lambda: deck.demo_shown, what="the demo shown")
        await check(pilot, "last slide, demo shown")
        await pilot.resize_terminal(120, 40)
        await wait_until(pilot, lambda: deck.layout_mode == "side", what="side by side")
        await check(pilot, "slide beside its demo")
        await pilot.press("right")  # past the last slide: the quiz
        await wait_until(pilot, lambda: isinstance(app.screen, QuizScreen), what="the quiz")
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        await check(pilot, "quiz question")
        await pilot.press("a")
        assert quiz.phase is Phase.FEEDBACK
        await check(pilot, "quiz feedback")
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, DeckScreen), what="the slide")
        await check(pilot, "slide opened from the quiz")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is quiz, what="back at the quiz")
        for _ in range(4 * len(quiz.round)):  # Enter answers, then goes on
            if quiz.phase is Phase.DONE:
                break
            await pilot.press("enter")
        assert quiz.phase is Phase.DONE
        await check(pilot, "quiz score")
    # The hint lines still say what the footer cannot.
    arrows = "^ v" if ascii else "↑ ↓"
    assert seen["library"].startswith(f"{arrows} choose")
    # alpha's first slide is short: nothing to scroll, so no scroll hint.
    assert "scroll" not in seen["text slide"] and "live demo" in seen["last slide, demo hidden"]
    assert "Enter" in seen["quiz feedback"]


def test_a_footer_too_long_for_the_terminal_keeps_the_key_that_lists_them_all() -> None:
    # A demo slide at 80 columns: the bar was cut after "l", losing q and ?.
    hints = tuple(KeyHint(key, text, True) for key, text in [
        ("space", "Pause/run"), ("r", "Retrain (new seed)"), ("→", "Next"), ("←", "Back"),
        ("t", "Contents"), ("g", "Terms"), ("l", "Library"), ("q", "Quit"), ("?", "Keys")])
    assert fit_hints(hints, 200) == hints
    fitted = fit_hints(hints, 80)
    assert fitted[-1].key == "?" and fitted == (*hints[:len(fitted) - 1], hints[-1])
    assert sum(map(hint_width, fitted)) <= 80 < sum(map(hint_width, fitted)) + hint_width(
        hints[len(fitted) - 1])
    assert fit_hints(hints, 8) == (hints[-1],)
    assert fit_hints((), 10) == ()

"""Text from decks and names reaches the terminal inert: shown, never obeyed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets._toast import Toast
from ui_helpers import screen_text

from tutor.cli import main
from tutor.content import load_library
from tutor.content.inert import inert
from tutor.options import AppOptions
from tutor.progress import ProgressStore
from tutor.ui.app import TutorApp
from tutor.ui.startup import make_app

SIZE = (80, 24)
Options = Callable[..., AppOptions]
RETITLE = "\x1b]0;owned\x07"  # sets the window title
CLEAR = "\x1b[2J"


def test_inert_makes_every_control_character_visible() -> None:
    shown = inert(f"a{RETITLE}b{CLEAR}\x9b2J\u202eevil\x7f\tok\nnext")
    assert shown == "a␛]0;owned␇b␛[2J\ufffd2J\ufffdevil␡\tok\nnext"


def test_check_reports_control_characters_at_file_and_line(
        good_content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    slide = good_content / "alpha" / "slides" / "010-s1.md"
    slide.write_text(slide.read_text().replace("Alpha slide 1", f"Alpha{RETITLE}")
                     .replace("- point two", f"- point {CLEAR}two"))
    quiz = good_content / "alpha" / "quiz.toml"  # a TOML escape hides it in the source
    quiz.write_text(quiz.read_text().replace("First topic, question A?", "First \\u001b[2J?"))
    assert main(["check", str(good_content)]) == 1
    out = capsys.readouterr().out
    assert f"{slide}:3: line contains control character(s) U+0007, U+001B" in out
    assert f"{slide}:9: line contains control character(s) U+001B" in out
    assert f"{quiz}:4: question field 'prompt' contains control character(s) U+001B" in out
    assert "\x1b" not in out


async def test_a_control_character_that_reached_the_model_is_shown_not_sent(
        good_content: Path, options_for: Options) -> None:
    library = load_library(good_content)
    alpha = library.get("alpha")
    sly = dataclasses.replace(alpha.slides[0], title=f"Alpha{RETITLE}",
                              body=f"body {CLEAR} end")
    alpha = dataclasses.replace(alpha, title=f"Alpha {CLEAR}deck",
                                slides=(sly, *alpha.slides[1:]))
    library = dataclasses.replace(library, decks=(library.decks[0], alpha))
    options = options_for(good_content, deck="alpha")
    store, _ = ProgressStore.open(options.state_dir, options.participant)
    app = TutorApp(options, library, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Alpha␛]0;owned␇" in text and "body ␛[2J end" in text
        await pilot.press("t")
        await pilot.pause()
        assert "\x1b" not in screen_text(app)
        await pilot.press("escape", "l")
        await pilot.pause()
        text = screen_text(app)
        assert "Alpha ␛[2Jdeck" in text and "\x1b" not in text


async def test_markup_in_a_title_is_shown_as_written(good_content: Path,
                                                     options_for: Options) -> None:
    trap = "[@click=app.quit]Click me[/]"
    deck = good_content / "beta" / "deck.toml"
    deck.write_text(deck.read_text().replace('title = "All of it"', f'title = "{trap}"'))
    slide = good_content / "beta" / "slides" / "010-b.md"
    slide.write_text(slide.read_text().replace("Beta one", f"[b]Beta[/b] {trap}"))
    app = make_app(options_for(good_content, deck="beta"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("t")
        await pilot.pause()
        text = screen_text(app)
        assert trap in text and f"[b]Beta[/b] {trap}" in text
        app.notify(f"{trap} has no quiz.", title=trap)
        await pilot.pause()
        toasts = [toast.render().plain for toast in app.screen.query(Toast)]
        assert toasts and toasts[-1].count(trap) == 2  # title and message as written

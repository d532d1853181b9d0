"""Small things seen on the way: help, hints, names, suggestions, widths."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ui_helpers import screen_text

from tutor.cli import main
from tutor.options import AppOptions
from tutor.ui.screens.help import HelpScreen
from tutor.ui.startup import StartupError, make_app

Options = Callable[..., AppOptions]


async def test_help_lists_only_dltutors_keys(good_content: Path, options_for: Options) -> None:
    app = make_app(options_for(good_content))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = "\n".join(app.screen.key_lines())
        assert "Focus" not in lines and "Copy" not in lines and "Keys" in lines


async def test_library_names_the_participant_and_the_check_command(
        good_content: Path, options_for: Options) -> None:
    (good_content / "alpha" / "slides" / "020-s2.md").write_text("no front matter\n")
    app = make_app(options_for(good_content, participant="ana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "library · ana" in text
        assert f"Run 'dltutor check {good_content}'" in text


def test_a_misspelt_command_gets_a_suggestion(good_content: Path, options_for: Options) -> None:
    with pytest.raises(StartupError, match="did you mean 'check'"):
        make_app(options_for(good_content, deck="checkk"))


def test_list_fits_80_columns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert out and max(len(line) for line in out.splitlines()) <= 80


async def test_the_footer_shows_the_keys_of_its_screen(good_content: Path,
                                                      options_for: Options) -> None:
    from tutor.ui.widgets.footer import TutorFooter

    app = make_app(options_for(good_content, deck="alpha"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        deck = app.screen
        footer = deck.query_one(TutorFooter)
        deck_keys = footer.render().plain
        assert " t " in deck_keys and "Quit" in deck_keys
        for _ in range(6):  # dialogs come and go; the deck's keys stay as they were
            await pilot.press("t", "escape", "question_mark", "escape")
        await pilot.pause()
        assert app.screen is deck and footer.render().plain == deck_keys
        assert not footer.children  # one line of text, not a widget per key
        await pilot.press("l")
        await pilot.pause()
        library_keys = app.screen.query_one(TutorFooter).render().plain
        assert "Quit" in library_keys and " t " not in library_keys


async def test_keys_read_with_quit_open_nothing(good_content: Path, options_for: Options) -> None:
    """`q t` in one read: the contents dialog opened on a closing app and crashed it."""
    app = make_app(options_for(good_content, deck="alpha"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        deck = app.screen
        assert deck.check_action("contents", ()) and app.check_action("help", ())
        app.exit()
        assert not deck.check_action("contents", ()) and not app.check_action("help", ())

"""The glossary key: every term with the slide that defines it, Enter goes there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import OptionList, Static
from ui_helpers import screen_text

from tutor.options import AppOptions
from tutor.ui.screens.deck import DeckScreen
from tutor.ui.screens.glossary import GlossaryScreen
from tutor.ui.startup import make_app


async def test_g_lists_terms_and_enter_opens_the_defining_slide(
        good_content: Path, options_for: Callable[..., AppOptions]) -> None:
    app = make_app(options_for(good_content, deck="alpha", slide="a3"))
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen = app.screen
        assert isinstance(deck_screen, DeckScreen) and deck_screen.index == 2
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        first = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert first.splitlines() == ["list: points written one under another",
                                      "   slide 1, Alpha slide 1"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is deck_screen and deck_screen.index == 2
        await pilot.press("g")
        await pilot.press("enter")  # the first term, "list", is defined on slide 1
        await pilot.pause()
        assert app.screen is deck_screen and deck_screen.index == 0


async def test_a_deck_without_a_glossary_says_so(
        good_content: Path, options_for: Callable[..., AppOptions]) -> None:
    app = make_app(options_for(good_content, deck="beta", ascii=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g")
        await pilot.pause()
        assert str(app.screen.query_one("#glossary-empty", Static).render()) == (
            "This deck has no glossary.")
        assert screen_text(app).isascii()
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, DeckScreen)


async def test_markup_in_a_term_is_shown_as_written_and_does_nothing_when_clicked(
        good_content: Path, options_for: Callable[..., AppOptions]) -> None:
    trap = "[@click=app.quit]Click me[/]"
    glossary = good_content / "alpha" / "glossary.toml"
    glossary.write_text(glossary.read_text()
                        .replace('term = "list"', f'term = "[b]list[/b] {trap}"')
                        .replace('"points written one under another"', f'"{trap} [i]points[/i]"'))
    slide = good_content / "alpha" / "slides" / "010-s1.md"
    slide.write_text(slide.read_text().replace("Alpha slide 1", f"Alpha [u]one[/u] {trap}"))
    app = make_app(options_for(good_content, deck="alpha"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        prompt = app.screen.query_one(OptionList).get_option_at_index(0).prompt
        assert str(prompt).splitlines() == [f"[b]list[/b] {trap}: {trap} [i]points[/i]",
                                            f"   slide 1, Alpha [u]one[/u] {trap}"]
        lines = screen_text(app).splitlines()
        first = next(row for row, line in enumerate(lines) if "Click me" in line)
        assert f"[b]list[/b] {trap}:" in lines[first]  # drawn as written
        await pilot.click(offset=(lines[first].index("Click me"), first))
        await pilot.pause()  # the click picks the term, as any click on it would
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, DeckScreen) and app.screen.index == 0

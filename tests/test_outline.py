"""The outline the first screen is drawn from agrees with the checked decks,
steps aside on anything unusual, and a deck it let through that fails the
full check leaves the list once the check is in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ui_helpers import screen_text, wait_until

from tutor import locations
from tutor.content import load_library
from tutor.content.outline import outline_of, read_outlines
from tutor.options import AppOptions
from tutor.ui.startup import make_app

Options = Callable[..., AppOptions]
SIZE = (100, 30)


@pytest.mark.parametrize("root", ["bundled", "fixtures"])
def test_the_outline_says_what_the_checked_library_says(root: str, good_content: Path) -> None:
    folder = locations.content_dir() if root == "bundled" else good_content
    outlines = read_outlines(folder)
    library = load_library(folder)
    assert outlines is not None and not library.problems
    assert outlines == tuple(outline_of(deck) for deck in library.decks)


@pytest.mark.parametrize("damage", [
    "a folder beside the decks that is not one",
    "a slide without front matter",
    "front matter never closed",
    "a slide without a title",
    "a deck.toml that is not TOML",
    "minutes that are not a number",
    "a slide that is not UTF-8",
])
def test_anything_unusual_leaves_the_outline_to_the_careful_loader(
        damage: str, good_content: Path) -> None:
    slide = good_content / "alpha" / "slides" / "020-s2.md"
    deck_file = good_content / "beta" / "deck.toml"
    match damage:
        case "a folder beside the decks that is not one":
            (good_content / "notes").mkdir()
        case "a slide without front matter":
            slide.write_text("just text\n")
        case "front matter never closed":
            slide.write_text("---\nid: s2\ntitle: Two\n")
        case "a slide without a title":
            slide.write_text(slide.read_text().replace("title:", "heading:"))
        case "a deck.toml that is not TOML":
            deck_file.write_text("title = \n")
        case "minutes that are not a number":
            deck_file.write_text(deck_file.read_text().replace("minutes = ", "minutes = 'x' #", 1))
        case "a slide that is not UTF-8":
            slide.write_bytes(slide.read_bytes() + b"\xff\n")
    assert read_outlines(good_content) is None
    assert read_outlines(good_content / "alpha") is None  # a single deck: never outlined


async def test_a_deck_that_fails_the_full_check_leaves_the_list(
        good_content: Path, options_for: Options) -> None:
    # The outline reads only deck.toml and the slides' front matter: a quiz
    # answer out of range is the full check's to find.
    quiz = good_content / "alpha" / "quiz.toml"
    quiz.write_text(quiz.read_text().replace("answer = ", "answer = 9 #", 1))
    assert read_outlines(good_content) is not None
    app = make_app(options_for(good_content))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.library_loaded)
        await wait_until(pilot, lambda: "Not loaded, with problems: alpha" in screen_text(app))
        text = screen_text(app)
        assert "1 deck" in text and "Alpha deck" not in text and "Beta deck" in text


async def test_the_library_is_checked_after_the_first_frame_not_before(
        good_content: Path, options_for: Options) -> None:
    app = make_app(options_for(good_content))
    assert not app.library_loaded
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.library_loaded)
        assert [deck.id for deck in app.catalog] == ["beta", "alpha"]
        await pilot.press("enter")  # opens the checked deck
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DeckScreen")


async def test_a_start_on_a_deck_builds_the_library_only_when_the_learner_goes_back(
        good_content: Path, options_for: Options) -> None:
    from tutor.ui.screens.deck import DeckScreen
    from tutor.ui.screens.library import LibraryScreen

    app = make_app(options_for(good_content, deck="alpha"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DeckScreen))
        assert not any(isinstance(s, LibraryScreen) for s in app.screen_stack)
        await pilot.press("right", "l")  # leave the deck
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        assert "left off at slide 2" in screen_text(app)
        await pilot.press("enter")  # a part-read deck: continue, or start over?
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ChooseScreen")
        await pilot.press("enter")  # continue
        await wait_until(pilot, lambda: isinstance(app.screen, DeckScreen))
        # The library took the first deck's place, under the deck now open.
        assert [type(s).__name__ for s in app.screen_stack] == ["LibraryScreen",
                                                                "DeckScreen"]
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        assert len(app.screen_stack) == 1  # the same library, not a second one


async def test_a_session_started_in_a_deck_has_that_deck_alone_until_it_moves_on(
        good_content: Path, options_for: Options) -> None:
    # The first screen is the app's default screen: nothing is built under it,
    # and another deck or the library takes its place rather than piling up.
    from tutor.ui.screens.deck import DeckScreen
    from tutor.ui.screens.library import LibraryScreen

    app = make_app(options_for(good_content, deck="alpha"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DeckScreen))
        assert len(app.screen_stack) == 1
        app.open_deck(app.library.get("beta"))
        await wait_until(pilot, lambda: getattr(app.screen, "deck", None) is not None
                         and app.screen.deck.id == "beta")
        assert len(app.screen_stack) == 1
        app.go_library()
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        assert len(app.screen_stack) == 1
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_deck_screen_is_built_with_its_first_slide_on_it(
        good_content: Path, options_for: Options, monkeypatch: pytest.MonkeyPatch) -> None:
    # Filled in once mounted instead, the title waited for one more layout:
    # the first frame went out without it, and a second full frame followed.
    from textual.widgets import Static

    from tutor.ui.screens.deck import DeckScreen

    at_mount: list[str] = []
    on_mount = DeckScreen.on_mount

    def record(self: DeckScreen) -> None:
        at_mount.append(str(self.query_one("#slide-title", Static).content))
        on_mount(self)

    monkeypatch.setattr(DeckScreen, "on_mount", record)
    app = make_app(options_for(good_content, deck="alpha", slide="2"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: bool(at_mount))
        deck = app.library.get("alpha")
        assert at_mount == [deck.slides[1].title]
        await pilot.press("right")  # later slides still change title and text
        await wait_until(pilot, lambda: deck.slides[2].title in screen_text(app))

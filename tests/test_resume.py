"""A deck or quiz left part-way: the learner chooses to go on or start over."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ui_helpers import screen_text

from tutor.options import AppOptions
from tutor.progress import ProgressStore
from tutor.ui.screens.choose import ChooseScreen
from tutor.ui.screens.deck import DeckScreen
from tutor.ui.screens.library import LibraryScreen
from tutor.ui.screens.quiz import Phase, QuizScreen
from tutor.ui.startup import make_app

SIZE = (80, 24)
Options = Callable[..., AppOptions]


def _leave_alpha_at_slide_3(options: AppOptions) -> None:
    store, _ = ProgressStore.open(options.state_dir, options.participant)
    store.visit("alpha", "a1")
    store.visit("alpha", "a3")
    store.close()


async def _highlight(app, deck_id: str, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    library = app.screen
    assert isinstance(library, LibraryScreen)
    options = library.query_one("#decks")
    options.highlighted = options.get_option_index(deck_id)


async def test_enter_on_a_part_read_deck_asks_and_can_continue(good_content: Path,
                                                               options_for: Options) -> None:
    options = options_for(good_content)
    _leave_alpha_at_slide_3(options)
    app = make_app(options)
    async with app.run_test(size=SIZE) as pilot:
        await _highlight(app, "alpha", pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChooseScreen)
        assert "Continue at slide 3 of 4" in screen_text(app)
        await pilot.press("escape")  # changed their mind: nothing moves
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen) and app.store.last_slide("alpha") == "a3"
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DeckScreen) and app.screen.index == 2


async def test_enter_on_a_part_read_deck_can_start_over(good_content: Path,
                                                        options_for: Options) -> None:
    options = options_for(good_content)
    _leave_alpha_at_slide_3(options)
    app = make_app(options)
    async with app.run_test(size=SIZE) as pilot:
        await _highlight(app, "alpha", pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DeckScreen) and app.screen.index == 0


async def test_an_interrupted_quiz_can_be_resumed(good_content: Path,
                                                  options_for: Options) -> None:
    options = options_for(good_content, deck="alpha", quiz=True)
    app = make_app(options)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        first = screen.current.question.id
        await pilot.press("1")  # one of two answered, then the session ends
        await pilot.pause()
        asked = [item.question.id for item in screen.round]

    again = make_app(options_for(good_content))
    async with again.run_test(size=SIZE) as pilot:
        await _highlight(again, "alpha", pilot)
        await pilot.press("x")
        await pilot.pause()
        quiz_screen = again.screen
        assert isinstance(quiz_screen, QuizScreen)
        assert [item.question.id for item in quiz_screen.round] == asked
        assert quiz_screen.position == 1 and quiz_screen.answers[0].question_id == first
        await pilot.press("1", "enter")
        await pilot.pause()
        assert quiz_screen.phase is Phase.DONE
    [attempt] = ProgressStore.open(options.state_dir, options.participant)[0].attempts("alpha")
    assert attempt.finished is not None and len(attempt.answers) == 2

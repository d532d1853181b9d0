"""The app driven by keys, as a learner would, at 80x24."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REAL_CONTENT
from ui_helpers import screen_text

from tutor.content import load_library
from tutor.options import AppOptions
from tutor.progress import ProgressStore
from tutor.ui.app import TutorApp
from tutor.ui.screens.deck import DeckScreen
from tutor.ui.screens.library import LibraryScreen
from tutor.ui.screens.quiz import Phase, QuizScreen
from tutor.ui.startup import make_app

SIZE = (80, 24)
Options = Callable[..., AppOptions]


def saved(app: TutorApp) -> ProgressStore:
    """The progress an app left on disk, read back as a new session would."""
    store, notice = ProgressStore.open(app.options.state_dir, app.options.participant)
    assert notice is None
    return store


@pytest.mark.parametrize("deck_id", [d.id for d in load_library(REAL_CONTENT).decks])
async def test_every_slide_of_every_deck_shows_at_80x24(deck_id: str, options_for: Options) -> None:
    app = make_app(options_for(deck=deck_id))
    deck = app.library.get(deck_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for index, slide in enumerate(deck.slides):
            screen = app.screen
            assert isinstance(screen, DeckScreen) and screen.index == index
            text = screen_text(app)
            assert slide.title[:40] in text
            header = text.splitlines()[0]  # never cut: the deck's title gives way first
            assert deck.section(slide.section).title in header and "…" not in header
            assert f"slide {index + 1} of {len(deck.slides)}" in text
            await pilot.press("down", "down")  # scrolling a slide never moves to another
            assert app.screen.index == index
            await pilot.press("right")
            await pilot.pause()
        assert isinstance(app.screen, QuizScreen)
        assert app.store.seen(deck_id) == {s.id for s in deck.slides}


async def test_navigation_keys_and_contents(good_content: Path, options_for: Options) -> None:
    app = make_app(options_for(good_content, deck="alpha"))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, DeckScreen)
        await pilot.press("end")
        assert screen.index == 3
        await pilot.press("pageup", "left")
        assert screen.index == 1
        await pilot.press("home")
        assert screen.index == 0
        await pilot.press("left")  # nothing before the first slide
        assert screen.index == 0
        await pilot.press("pagedown")
        assert screen.index == 1
        await pilot.press("t")
        await pilot.pause()
        assert "Alpha slide 3" in screen_text(app)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is screen and screen.index == 2
        await pilot.press("l")
        assert isinstance(app.screen, LibraryScreen)


async def test_help_lists_the_keys_of_the_screen(good_content: Path, options_for: Options) -> None:
    app = make_app(options_for(good_content, deck="alpha"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        for words in ("Next", "Back", "Contents", "Library", "Quit", "PgDn", "scroll"):
            assert words in text, words
        await pilot.press("escape")
        assert isinstance(app.screen, DeckScreen)


async def test_quiz_by_keys_with_feedback_slide_and_score(good_content: Path,
                                                          options_for: Options) -> None:
    app = make_app(options_for(good_content, deck="alpha", quiz=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        quiz_screen = app.screen
        assert isinstance(quiz_screen, QuizScreen)
        first = quiz_screen.current
        wrong = (first.correct + 1) % len(first.order)
        await pilot.press("abcd"[wrong])
        assert quiz_screen.phase is Phase.FEEDBACK
        text = screen_text(app)
        assert "Not quite" in text and first.question.explain[:30] in text

        await pilot.press("s")  # the slide that teaches it, then back to the question
        await pilot.pause()
        peek = app.screen
        assert isinstance(peek, DeckScreen) and peek.peek
        assert peek.deck.slides[peek.index].id == first.question.slide
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is quiz_screen and quiz_screen.phase is Phase.FEEDBACK

        await pilot.press("enter")
        second = quiz_screen.current
        for _ in range(second.correct):  # arrows + Enter also answer
            await pilot.press("down")
        await pilot.press("enter")
        assert quiz_screen.answers[-1].correct
        assert "Right" in screen_text(app)
        await pilot.press("right")
        assert quiz_screen.phase is Phase.DONE
        text = screen_text(app)
        assert "You scored 1 of 2" in text and first.question.prompt in text

        await pilot.press("1")  # open the missed question's slide from the review
        await pilot.pause()
        assert isinstance(app.screen, DeckScreen)
        await pilot.press("escape", "r")
        await pilot.pause()
        assert quiz_screen.phase is Phase.ASKING and quiz_screen.answers == []
        await pilot.press("l")
        assert isinstance(app.screen, LibraryScreen)

    attempts = saved(app).attempts("alpha")
    assert [a.right for a in attempts] == [1]  # the retake left before answering: no attempt
    assert [a.correct for a in attempts[0].answers] == [False, True]


async def test_restart_offers_to_continue(good_content: Path, options_for: Options) -> None:
    app = make_app(options_for(good_content, deck="alpha"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right")
        await pilot.press("q")

    again = make_app(options_for(good_content))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, LibraryScreen)
        assert again.screen.highlighted_deck().id == "alpha"  # where the learner was
        text = screen_text(again)
        assert "continue" in text and "slide 3 of 4" in text and "best quiz" not in text
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(again.screen, DeckScreen) and again.screen.index == 2


async def test_library_opens_decks_and_quizzes(good_content: Path, options_for: Options) -> None:
    app = make_app(options_for(good_content))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert text.index("Beta deck") < text.index("Alpha deck")  # library order
        assert "after: beta" in text and "seen 0/4" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DeckScreen) and app.screen.deck.id == "beta"
        await pilot.press("l", "x")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen) and app.screen.deck.id == "beta"
        await pilot.press(str(app.screen.current.correct + 1), "enter", "l")
        await pilot.pause()
        assert "best quiz 1/1" in screen_text(app)


async def test_too_small_terminal_says_so_and_recovers(good_content: Path,
                                                       options_for: Options) -> None:
    app = make_app(options_for(good_content, deck="alpha"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")  # a dialog is open when the terminal shrinks
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        text = screen_text(app)
        assert "needs at least 78x16" in text and "Alpha slide 1" not in text
        await pilot.press("right", "enter", "l")  # keys do nothing on what cannot be seen
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        text = screen_text(app)
        assert "needs at least" not in text and "Alpha slide 1" in text
        assert isinstance(app.screen, DeckScreen) and app.screen.index == 0
        await pilot.press("right")  # and keys work again
        assert app.screen.index == 1


async def test_nothing_is_answered_behind_the_too_small_notice(good_content: Path,
                                                               options_for: Options) -> None:
    app = make_app(options_for(good_content, deck="alpha", quiz=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.resize_terminal(50, 12)
        await pilot.pause()
        await pilot.press("2", "a", "enter")
        assert app.screen.answers == []
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("a")
        assert len(app.screen.answers) == 1


async def test_ascii_mode_draws_only_ascii(good_content: Path, options_for: Options) -> None:
    app = make_app(options_for(good_content, ascii=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screens = [screen_text(app)]  # the library
        await pilot.press("question_mark")
        await pilot.pause()
        screens.append(screen_text(app))
        await pilot.press("escape", "enter")
        await pilot.pause()
        screens.append(screen_text(app))
        await pilot.press("t")
        await pilot.pause()
        screens.append(screen_text(app))
        await pilot.press("escape", "right")
        await pilot.pause()
        await pilot.press("a")
        screens.append(screen_text(app))
    for text in screens:
        assert text.isascii(), [c for c in text if not c.isascii()]
    assert "+-+" in screens[2]  # the slide's box drawing, translated


def test_unknown_deck_or_slide_is_a_clear_startup_error(options_for: Options,
                                                       good_content: Path) -> None:
    from tutor.ui.startup import StartupError

    with pytest.raises(StartupError, match=r"no deck named 'nope'.*alpha"):
        make_app(options_for(good_content, deck="nope"))
    with pytest.raises(StartupError, match=r"no slide '9'.*1 to 4"):
        make_app(options_for(good_content, deck="alpha", slide="9"))


async def test_keys_typed_fast_are_handled_in_order(good_content: Path,
                                                    options_for: Options) -> None:
    """A digit then Enter arriving in one read from the terminal: the digit
    answers, Enter moves on (Enter must not overtake the digit)."""
    from textual import events

    app = make_app(options_for(good_content, deck="alpha", quiz=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        quiz_screen = app.screen
        assert isinstance(quiz_screen, QuizScreen)
        pick = (quiz_screen.current.correct + 1) % len(quiz_screen.current.order)
        key = str(pick + 1)
        app.post_message(events.Key(key, key))
        app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        await pilot.pause()
        assert [a.shown_choice for a in quiz_screen.answers] == [pick]
        assert quiz_screen.position == 1 and quiz_screen.phase is Phase.ASKING


async def test_no_color_draws_in_greys_only(good_content: Path, options_for: Options,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(options_for(good_content, deck="alpha", quiz=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")  # feedback: right and wrong must not rest on colour
        await pilot.pause()
        colours = set()
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                for colour in (segment.style.color, segment.style.bgcolor) if segment.style else ():
                    if colour is not None and colour.triplet is not None:
                        colours.add(tuple(colour.triplet))
        text = screen_text(app)
    assert colours and all(r == g == b for r, g, b in colours), colours
    assert "✓" in text and ("✗" in text or "Right" in text)


async def test_corrupt_progress_is_announced_and_replaced(good_content: Path,
                                                         options_for: Options) -> None:
    options = options_for(good_content)
    (options.state_dir / "progress.sqlite3").write_bytes(b"not sqlite at all" * 100)
    app = make_app(options)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert "unreadable" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, DeckScreen)
    assert list(options.state_dir.glob("progress.sqlite3.corrupt-*"))
    assert saved(app).last_slide("beta") == "b1"


async def test_ctrl_c_quits_and_keeps_what_was_saved(good_content: Path,
                                                     options_for: Options) -> None:
    app = make_app(options_for(good_content, deck="alpha"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "ctrl+c")
        await pilot.pause()
        assert not app.is_running
    again = make_app(options_for(good_content))
    assert again.store.last_slide("alpha") == "a2"


async def test_every_missed_question_of_a_five_question_round_opens(
        options_for: Options) -> None:
    app = make_app(options_for(deck="deep-learning", quiz=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        quiz_screen = app.screen
        assert isinstance(quiz_screen, QuizScreen)
        for _ in range(5):
            wrong = (quiz_screen.current.correct + 1) % len(quiz_screen.current.order)
            await pilot.press(str(wrong + 1), "enter")
        assert quiz_screen.phase is Phase.DONE and len(quiz_screen.missed()) == 5
        await pilot.press("5")
        await pilot.pause()
        peek = app.screen
        assert isinstance(peek, DeckScreen)
        assert peek.deck.slides[peek.index].id == quiz_screen.round[4].question.slide


async def test_a_broken_deck_is_named_in_the_library(good_content: Path,
                                                     options_for: Options) -> None:
    (good_content / "alpha" / "slides" / "020-s2.md").write_text("no front matter\n")
    app = make_app(options_for(good_content))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Not loaded, with problems: alpha" in text and "1 deck" in text
    from tutor.ui.startup import StartupError

    with pytest.raises(StartupError, match=r"deck 'alpha' has problems:\n.*020-s2.md:1:"):
        make_app(options_for(good_content, deck="alpha"))


async def test_a_held_up_save_is_reported_kept_and_written_later(
        good_content: Path, options_for: Options) -> None:
    import sqlite3

    options = options_for(good_content, deck="alpha")
    app = make_app(options)
    blocker = sqlite3.connect(options.state_dir / "progress.sqlite3", isolation_level=None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        blocker.execute("BEGIN EXCLUSIVE")  # another program holds the file
        await pilot.press("right")
        assert app.screen.index == 1 and app.is_running  # the UI did not wait
        for _ in range(600):
            if any("Not saved yet" in n.message for n in app._notifications):
                break
            await pilot.pause(0.05)
        assert any("Not saved yet" in n.message for n in app._notifications)
        blocker.execute("ROLLBACK")
        assert app.store.flush(60)
        for _ in range(600):  # told once it got through; then nothing is watched
            if app._save_watch is None:
                break
            await pilot.pause(0.05)
        assert any("Everything is saved now" in n.message for n in app._notifications)
        assert app._save_watch is None  # an idle app has no timer waking it for this
    blocker.close()
    assert saved(app).last_slide("alpha") == "a2"

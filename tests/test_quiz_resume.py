"""A quiz left halfway (a dropped SSH connection, Ctrl-C) goes on where it stopped."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from tutor import quiz
from tutor.content import load_library
from tutor.options import AppOptions
from tutor.progress import ProgressStore
from tutor.ui.screens.quiz import Phase, QuizScreen
from tutor.ui.startup import make_app

Options = Callable[..., AppOptions]


def test_resume_round_keeps_the_questions_and_what_was_picked(good_content: Path) -> None:
    deck = load_library(good_content).get("alpha")
    ids = [q.id for q in deck.questions[:2]]
    rebuilt = quiz.resume_round(deck, ids, {ids[0]: 2}, random.Random(3))
    assert rebuilt is not None
    drawn, answers = rebuilt
    assert [item.question.id for item in drawn] == ids
    assert [(a.question_id, a.choice) for a in answers] == [(ids[0], 2)]
    assert drawn[0].choices[answers[0].shown_choice] == deck.questions[0].choices[2]
    assert quiz.resume_round(deck, [*ids, "gone"], {}, random.Random(3)) is None
    assert quiz.resume_round(deck, ids, {ids[0]: 99}, random.Random(3)) is None


async def test_the_quiz_goes_on_after_a_restart(good_content: Path, options_for: Options
                                                ) -> None:
    options = options_for(good_content, deck="alpha", quiz=True)
    app = make_app(options)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        first = screen.current
        await pilot.press("1")
        total = len(screen.round)
    assert total > 1

    app = make_app(options)  # a new session of the same participant
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        assert screen.position == 1 and screen.round[0].question.id == first.question.id
        assert screen.answers[0].choice == first.order[0]
        for _ in range(total - 1):
            await pilot.press("1")
            await pilot.press("enter")
        assert screen.phase is Phase.DONE

    store, _ = ProgressStore.open(options.state_dir, options.participant)
    attempts = store.attempts("alpha")
    store.close()
    assert len(attempts) == 1 and attempts[0].finished is not None
    assert len(attempts[0].answers) == total

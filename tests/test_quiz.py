"""Quiz rounds drawn from the bank: one per topic, no repeats, shuffled, scored."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from conftest import REAL_CONTENT

from tutor import quiz
from tutor.content import Deck, load_library


@pytest.fixture(scope="module")
def deck() -> Deck:
    return load_library(REAL_CONTENT).get("deep-learning")


@pytest.mark.parametrize("seed", range(20))
def test_round_asks_one_question_per_topic_without_repeats(deck: Deck, seed: int) -> None:
    drawn = quiz.draw_round(deck, random.Random(seed))
    assert [item.question.topic for item in drawn] == list(deck.topics)
    ids = [item.question.id for item in drawn]
    assert len(ids) == len(set(ids)) == 5


def test_choices_are_shuffled_and_the_answer_follows(deck: Deck) -> None:
    rng = random.Random(3)
    positions = Counter()
    for _ in range(200):
        for item in quiz.draw_round(deck, rng):
            assert sorted(item.order) == list(range(len(item.question.choices)))
            assert item.choices[item.correct] == item.question.choices[item.question.answer]
            positions[item.correct] += 1
    # the right answer lands on every position, not always where it was written
    assert len(positions) == 4 and min(positions.values()) > 100


def test_retake_draws_other_questions_where_the_bank_allows(deck: Deck) -> None:
    rng = random.Random(11)
    first = quiz.draw_round(deck, rng)
    second = quiz.draw_round(deck, rng, avoid=[i.question.id for i in first])
    assert not {i.question.id for i in first} & {i.question.id for i in second}


def test_only_question_of_a_topic_is_reused_on_retake(deck: Deck) -> None:
    only = [q for q in deck.questions if q.topic == "neurons"][:1]
    rest = [q for q in deck.questions if q.topic != "neurons"]
    small = Deck(**{**deck.__dict__, "questions": tuple(only + rest)})
    first = quiz.draw_round(small, random.Random(1))
    second = quiz.draw_round(small, random.Random(2), avoid=[i.question.id for i in first])
    assert second[0].question.id == only[0].id


def test_answers_are_scored_in_the_shown_order(deck: Deck) -> None:
    drawn = quiz.draw_round(deck, random.Random(5))
    wrong = [(item.correct + 1) % len(item.order) for item in drawn]
    answers = [quiz.answer(drawn[0], drawn[0].correct), quiz.answer(drawn[1], drawn[1].correct)]
    answers += [quiz.answer(item, w) for item, w in zip(drawn[2:], wrong[2:], strict=True)]
    result = quiz.score(answers)
    assert (result.right, result.total, result.percent) == (2, 5, 40)
    assert result.missed == tuple(i.question.id for i in drawn[2:])
    picked = answers[2]
    assert drawn[2].question.choices[picked.choice] == drawn[2].choices[wrong[2]]


def test_unanswered_questions_count_as_missed_in_the_total() -> None:
    assert quiz.score([], total=5).percent == 0


@pytest.mark.parametrize(("key", "n", "expected"), [
    ("1", 4, 0), ("4", 4, 3), ("a", 4, 0), ("D", 4, 3), ("c", 3, 2),
    ("4", 3, None), ("d", 2, None), ("0", 4, None), ("x", 4, None), ("enter", 4, None),
])
def test_keys_map_to_choices(key: str, n: int, expected: int | None) -> None:
    assert quiz.parse_key(key, n) == expected


def test_answer_rejects_a_choice_that_is_not_shown(deck: Deck) -> None:
    item = quiz.draw_round(deck, random.Random(0))[0]
    with pytest.raises(ValueError):
        quiz.answer(item, len(item.order))


def test_rounds_work_through_the_whole_bank(deck: Deck) -> None:
    """With what was asked before, every question comes up before any repeats."""
    rng = random.Random(4)
    asked: Counter[str] = Counter()
    per_topic = Counter(q.topic for q in deck.questions)
    for _ in range(min(per_topic.values())):
        for item in quiz.draw_round(deck, rng, asked=asked):
            asked[item.question.id] += 1
    assert max(asked.values()) == 1
    for topic in deck.topics:
        assert sum(1 for q in deck.questions if q.topic == topic and asked[q.id]) == min(
            per_topic.values())

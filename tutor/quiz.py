"""Quiz rounds: draw one question per topic, shuffle choices, score answers.

Pure logic on `tutor.content` data; no Textual, no storage.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tutor.content.model import Deck, Question

CHOICE_KEYS = "abcd"


@dataclass(frozen=True)
class RoundQuestion:
    """A question as shown in one round: its choices in a shuffled order."""

    question: Question
    order: tuple[int, ...]
    """order[k] is the index in `question.choices` of the choice shown k-th."""

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.question.choices[i] for i in self.order)

    @property
    def correct(self) -> int:
        """Shown position (0-based) of the right choice."""
        return self.order.index(self.question.answer)

    def is_correct(self, shown: int) -> bool:
        return shown == self.correct


@dataclass(frozen=True)
class Answer:
    question_id: str
    shown_choice: int
    """Position the learner picked, as shown (0-based)."""
    choice: int
    """Index of the picked choice in the question as written (0-based)."""
    correct: bool


def draw_round(deck: Deck, rng: random.Random, avoid: Iterable[str] = (),
               asked: Mapping[str, int] | None = None) -> list[RoundQuestion]:
    """One question per topic, in the deck's topic order, choices shuffled.

    Questions in `avoid` (e.g. the previous round's) are drawn only when a
    topic has nothing else left, so a retake asks different questions; among
    the rest, those `asked` least often so far come first, so retakes work
    through the whole bank.
    """
    skip = set(avoid)
    counts = asked or {}
    drawn: list[RoundQuestion] = []
    for topic in deck.topics:
        pool = [q for q in deck.questions if q.topic == topic]
        fresh = [q for q in pool if q.id not in skip] or pool
        least = min(counts.get(q.id, 0) for q in fresh)
        fresh = [q for q in fresh if counts.get(q.id, 0) == least]
        question = rng.choice(fresh)
        order = list(range(len(question.choices)))
        rng.shuffle(order)
        drawn.append(RoundQuestion(question, tuple(order)))
    return drawn


def resume_round(deck: Deck, question_ids: Sequence[str], given: Mapping[str, int],
                 rng: random.Random) -> tuple[list[RoundQuestion], list[Answer]] | None:
    """A round left unfinished (a dropped connection), rebuilt to go on with.

    `given` maps each answered question to the choice picked (as written in
    the bank). Choices are shuffled afresh; the answers keep what was picked.
    None if the deck no longer has one of the questions.
    """
    bank = {q.id: q for q in deck.questions}
    if not all(qid in bank for qid in question_ids):
        return None
    drawn: list[RoundQuestion] = []
    answers: list[Answer] = []
    for qid in question_ids:
        question = bank[qid]
        order = list(range(len(question.choices)))
        rng.shuffle(order)
        item = RoundQuestion(question, tuple(order))
        drawn.append(item)
        if qid in given:
            if not 0 <= given[qid] < len(order):
                return None
            answers.append(answer(item, order.index(given[qid])))
    return drawn, answers


def answer(item: RoundQuestion, shown: int) -> Answer:
    if not 0 <= shown < len(item.order):
        raise ValueError(f"choice {shown} out of range for {len(item.order)} choices")
    return Answer(item.question.id, shown, item.order[shown], item.is_correct(shown))


def parse_key(key: str, n_choices: int) -> int | None:
    """Map a key ('1'-'4' or 'a'-'d') to a shown choice position, if valid."""
    key = key.lower()
    if key.isdigit():
        index = int(key) - 1
    elif len(key) == 1 and key in CHOICE_KEYS:
        index = CHOICE_KEYS.index(key)
    else:
        return None
    return index if 0 <= index < n_choices else None


@dataclass(frozen=True)
class Score:
    right: int
    total: int
    missed: tuple[str, ...]
    """Ids of the questions answered wrongly, in round order."""

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.total) if self.total else 0


def score(answers: Sequence[Answer], total: int | None = None) -> Score:
    right = sum(a.correct for a in answers)
    missed = tuple(a.question_id for a in answers if not a.correct)
    return Score(right, len(answers) if total is None else total, missed)

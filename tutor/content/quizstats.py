"""Can a quiz be gamed? How often the right answer is the longest choice.

Learners notice when the right answer is the most carefully worded one (and,
once that is fixed, when it is the tersest). A round asks one question per
topic, drawn at random from that topic, so "always pick the longest choice"
scores, on average, the sum over topics of the chance that it is right on a
question drawn from that topic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tutor.content.model import Question

MAX_LONGEST_SHARE = 0.30
"""At most this share of a deck's questions may have the uniquely longest
choice as their answer."""
MAX_PICK_LONGEST = 0.30
"""At most this expected score per question (1.5 of 5) for always picking the
longest choice, and the same for the shortest."""


def guess_odds(question: Question, pick: Callable[[list[int]], int] = max) -> float:
    """Chance that picking the longest choice (or, with `pick=min`, the
    shortest; a tie broken at random) is right."""
    lengths = [len(choice) for choice in question.choices]
    tied = [i for i, length in enumerate(lengths) if length == pick(lengths)]
    return 1 / len(tied) if question.answer in tied else 0.0


def answer_is_uniquely_longest(question: Question) -> bool:
    lengths = [len(choice) for choice in question.choices]
    right = lengths[question.answer]
    return all(right > length for i, length in enumerate(lengths) if i != question.answer)


@dataclass(frozen=True)
class QuizBalance:
    questions: int
    longest_right: int
    """Questions whose answer is the uniquely longest choice."""
    pick_longest: float
    """Expected score of a round for a learner who always picks the longest choice."""
    pick_shortest: float
    """The same for one who always picks the shortest."""
    round_size: int
    """Questions in a round (one per topic that has questions)."""

    @property
    def longest_share(self) -> float:
        return self.longest_right / self.questions if self.questions else 0.0

    def problems(self) -> list[str]:
        """What makes this quiz too easy to game, in words; empty if nothing."""
        found = []
        if self.longest_share > MAX_LONGEST_SHARE:
            found.append(f"the right answer is the uniquely longest choice in "
                         f"{self.longest_right} of {self.questions} questions "
                         f"({self.longest_share:.0%}; keep it at most {MAX_LONGEST_SHARE:.0%})")
        limit = MAX_PICK_LONGEST * self.round_size
        for which, score in (("longest", self.pick_longest), ("shortest", self.pick_shortest)):
            if score > limit + 1e-9:
                found.append(f"always picking the {which} choice scores {score:.2f} of "
                             f"{self.round_size} on average (keep it at most {limit:.2f})")
        return found


def _round_score(questions: Sequence[Question], topics: Sequence[str],
                 pick: Callable[[list[int]], int]) -> float:
    pools = [[q for q in questions if q.topic == topic] for topic in topics]
    return sum(sum(guess_odds(q, pick) for q in pool) / len(pool) for pool in pools if pool)


def quiz_balance(questions: Sequence[Question], topics: Sequence[str]) -> QuizBalance:
    return QuizBalance(
        questions=len(questions),
        longest_right=sum(map(answer_is_uniquely_longest, questions)),
        pick_longest=_round_score(questions, topics, max),
        pick_shortest=_round_score(questions, topics, min),
        round_size=sum(any(q.topic == topic for q in questions) for topic in topics),
    )

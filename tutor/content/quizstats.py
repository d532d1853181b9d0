"""Can a quiz be gamed? How often the right answer is the longest choice.

Learners notice when the right answer is the most carefully worded one. A
round asks one question per topic, drawn at random from that topic, so
"always pick the longest choice" scores, on average, the sum over topics of
the chance that it is right on a question drawn from that topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tutor.content.model import Question

MAX_LONGEST_SHARE = 0.30
"""At most this share of a deck's questions may have the uniquely longest
choice as their answer."""
MAX_PICK_LONGEST = 0.30
"""At most this expected score per question (1.5 of 5) for always picking the
longest choice."""


def longest_guess_odds(question: Question) -> float:
    """Chance that picking the longest choice (a tie broken at random) is right."""
    lengths = [len(choice) for choice in question.choices]
    tied = [i for i, length in enumerate(lengths) if length == max(lengths)]
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
        if self.pick_longest > limit + 1e-9:
            found.append(f"always picking the longest choice scores {self.pick_longest:.2f} of "
                         f"{self.round_size} on average (keep it at most {limit:.2f})")
        return found


def quiz_balance(questions: Sequence[Question], topics: Sequence[str]) -> QuizBalance:
    expected = 0.0
    round_size = 0
    for topic in topics:
        pool = [q for q in questions if q.topic == topic]
        if pool:
            round_size += 1
            expected += sum(longest_guess_odds(q) for q in pool) / len(pool)
    return QuizBalance(len(questions), sum(map(answer_is_uniquely_longest, questions)),
                       expected, round_size)

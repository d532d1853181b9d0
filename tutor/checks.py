"""What `dltutor check` asks of a deck beyond loading: that every slide fits
an 80x24 terminal, that its quiz can't be gamed by picking the longest
choice, and the figures behind both (`dltutor check --stats`).

Kept apart from the loader on purpose: a deck that breaks these still
loads and works (a long slide scrolls), it just fails the author's check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tutor.content.errors import Problem
from tutor.content.glossary import GLOSSARY_FILE, used_before_defined
from tutor.content.loader import QUIZ_FILE
from tutor.content.model import Deck
from tutor.content.quizstats import QuizBalance, quiz_balance
from tutor.viz.fit import BODY_HEIGHT, BODY_WIDTH, DEMO_TEXT_LINES, slide_lines

_WORD = re.compile(r"\w")


def word_count(text: str) -> int:
    """Words a learner reads: whitespace-separated pieces with a letter or digit
    (the strokes of a drawing are not words)."""
    return sum(1 for piece in text.split() if _WORD.search(piece))


@dataclass(frozen=True)
class DeckStats:
    deck: Deck
    words: int
    rows: dict[str, int]
    """Rows each slide's text takes at 80x24, by slide id."""
    demo_text_rows: dict[str, int]
    """Rows of text on each slide that has a live demo (the demo needs room too)."""
    quiz: QuizBalance

    @property
    def scrolling(self) -> list[str]:
        return [slide_id for slide_id, rows in self.rows.items() if rows > BODY_HEIGHT]

    @property
    def crowded_demos(self) -> list[str]:
        """Demo slides whose text leaves little room for the demo under it."""
        return [slide_id for slide_id, rows in self.demo_text_rows.items()
                if rows > DEMO_TEXT_LINES]


def deck_stats(deck: Deck) -> DeckStats:
    return DeckStats(
        deck=deck,
        words=sum(word_count(slide.body) for slide in deck.slides),
        rows=(rows := {slide.id: slide_lines(slide) for slide in deck.slides}),
        demo_text_rows={slide.id: rows[slide.id] for slide in deck.slides if slide.demo},
        quiz=quiz_balance(deck.questions, deck.topics),
    )


def lint_deck(deck: Deck, stats: DeckStats | None = None) -> list[Problem]:
    """Problems that don't stop the deck from loading but fail the check."""
    stats = stats or deck_stats(deck)
    folder = deck.path or Path(deck.id)
    problems = []
    for slide in deck.slides:
        rows = stats.rows[slide.id]
        if rows > BODY_HEIGHT:
            problems.append(Problem(
                slide.path or folder, 1,
                f"slide '{slide.id}' takes {rows} rows at 80x24 but the pane shows "
                f"{BODY_HEIGHT} ({BODY_WIDTH} columns): it would scroll; cut "
                f"{rows - BODY_HEIGHT} rows"))
    problems += [Problem(folder / QUIZ_FILE, 1, message) for message in stats.quiz.problems()]
    lines = {term.term: term.line for term in deck.glossary}
    for term, message in used_before_defined(deck.glossary, deck.slides):
        problems.append(Problem(folder / GLOSSARY_FILE, lines[term], message))
    return problems


def format_stats(stats: DeckStats) -> str:
    quiz = stats.quiz
    lines = [
        f"{stats.deck.id}:",
        f"  words                {stats.words:,}",
        f"  slides that scroll   {len(stats.scrolling)} of {len(stats.rows)} at 80x24"
        + (f" ({', '.join(stats.scrolling)})" if stats.scrolling else ""),
        f"  demo slides > {DEMO_TEXT_LINES} rows {len(stats.crowded_demos)} of "
        f"{len(stats.demo_text_rows)}"
        + (f" ({', '.join(stats.crowded_demos)})" if stats.crowded_demos else ""),
        f"  tallest slide        {max(stats.rows.values(), default=0)} rows "
        f"(pane: {BODY_HEIGHT})",
        f"  longest is right     {quiz.longest_right} of {quiz.questions} questions "
        f"({quiz.longest_share:.0%})",
        f"  pick-the-longest     {quiz.pick_longest:.2f} of {quiz.round_size} expected "
        f"(pick-the-shortest {quiz.pick_shortest:.2f})",
    ]
    return "\n".join(lines)

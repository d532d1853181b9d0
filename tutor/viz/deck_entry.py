"""A deck as the library lists it: title, summary, length and the learner's progress.

Its own module, apart from `tutor.viz.cards`: the library is the first
screen, and it should not wait for the quiz and slide renderers to import.
"""

from __future__ import annotations

from rich.text import Text

from tutor.content.inert import inert
from tutor.content.outline import DeckCard


def deck_entry(deck: DeckCard, seen: int, best: tuple[int, int] | None,
               resume_at: int | None) -> Text:
    """One deck in the library: title, summary, length and the learner's progress."""
    text = Text()
    text.append(inert(deck.title), style="bold")
    text.append(f"\n{inert(deck.summary)}\n", style="")
    facts = [f"{len(deck.slides)} slides", f"{deck.minutes:g} min"]
    if deck.prerequisites:
        facts.append("after: " + inert(", ".join(deck.prerequisites)))
    text.append("  ·  ".join(facts), style="dim")
    progress = [f"seen {seen}/{len(deck.slides)}"]
    if resume_at is not None:
        progress.append(f"left off at slide {resume_at + 1}")
    progress.append(f"best quiz {best[0]}/{best[1]}" if best else "quiz not taken")
    text.append("\n" + "  ·  ".join(progress), style="italic")
    return text

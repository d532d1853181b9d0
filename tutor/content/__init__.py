"""Decks as data: load and validate `content/`. Never imports Textual."""

from tutor.content.errors import ContentError, Problem
from tutor.content.loader import Library, check_deck, load_deck, load_library
from tutor.content.model import Deck, Demo, Question, Section, Slide

__all__ = [
    "ContentError", "Deck", "Demo", "Library", "Problem", "Question", "Section", "Slide",
    "check_deck", "load_deck", "load_library",
]

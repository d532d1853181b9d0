"""Decks as data: load and validate `content/`. Never imports Textual.

The names below are imported on first use: the app's first screen needs
only `tutor.content.outline`, and importing the checking loader with it
would cost start-up time for nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tutor.content.errors import ContentError, Problem
    from tutor.content.loader import Library, check_deck, load_deck, load_library
    from tutor.content.model import Deck, Demo, Question, Section, Slide

_HOMES = {
    "ContentError": "errors", "Problem": "errors",
    "Library": "loader", "check_deck": "loader", "load_deck": "loader", "load_library": "loader",
    "Deck": "model", "Demo": "model", "Question": "model", "Section": "model", "Slide": "model",
}

__all__ = [
    "ContentError", "Deck", "Demo", "Library", "Problem", "Question", "Section", "Slide",
    "check_deck", "load_deck", "load_library",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'tutor.content' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"tutor.content.{_HOMES[name]}"), name)
    globals()[name] = value
    return value

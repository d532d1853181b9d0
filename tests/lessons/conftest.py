"""The truth tests of the lessons read their settings from the real deck, so
they prove what the slides' demos show."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from tutor.content import load_deck

DECK = Path(__file__).resolve().parents[2] / "content" / "deep-learning"


@pytest.fixture(scope="session")
def slide_params() -> Callable[[str], Mapping[str, object]]:
    """demo name -> the parameters of the (first) slide that shows it."""
    deck = load_deck(DECK)

    def params(name: str) -> Mapping[str, object]:
        for slide in deck.slides:
            if slide.demo is not None and slide.demo.name == name:
                return slide.demo.params
        raise LookupError(f"no slide of {DECK.name} shows the demo {name!r}")

    return params

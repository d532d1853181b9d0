"""The truth tests of the lessons read their settings from the real deck, so
they prove what the slides' demos show. (A module, not a conftest: the
test folders share one `conftest` module name.)"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from tutor.content import Deck, load_deck

DECK = Path(__file__).resolve().parents[2] / "content" / "deep-learning"


@cache
def _deck() -> Deck:
    return load_deck(DECK)


def slide_params(name: str) -> Mapping[str, object]:
    """The parameters of the (first) slide that shows demo `name`."""
    for slide in _deck().slides:
        if slide.demo is not None and slide.demo.name == name:
            return slide.demo.params
    raise LookupError(f"no slide of {DECK.name} shows the demo {name!r}")

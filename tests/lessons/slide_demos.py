"""The demo parameters of the real deck's slides, so truth tests prove what
the slides show."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from tutor.content import load_deck
from tutor.content.model import Slide

DECK = Path(__file__).resolve().parents[2] / "content" / "deep-learning"


@cache
def _slides() -> dict[str, Slide]:
    return {slide.id: slide for slide in load_deck(DECK).slides}


def demo_params(slide_id: str, demo: str) -> Mapping[str, object]:
    """The parameters of slide `slide_id`, after checking it shows `demo`."""
    slide = _slides()[slide_id]
    assert slide.demo is not None and slide.demo.name == demo, (slide_id, slide.demo)
    return slide.demo.params

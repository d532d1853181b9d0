"""The slide header gives way part by part as the terminal narrows."""

from __future__ import annotations

import pytest
from conftest import REAL_CONTENT

from tutor.content import Deck, load_library
from tutor.viz.cards import HEADER_GAP, slide_header

DECKS = load_library(REAL_CONTENT).decks


def width_of(header: tuple[str, str]) -> int:
    return len(header[0]) + HEADER_GAP + len(header[1])


@pytest.mark.parametrize("deck", DECKS, ids=[d.id for d in DECKS])
def test_every_slide_header_fits_80_columns_whole(deck: Deck) -> None:
    room = 80 - 2  # the bar's padding
    for index, slide in enumerate(deck.slides):
        left, right = slide_header(deck, index, deck.title, room)
        assert width_of((left, right)) <= room, (slide.id, left, right)
        assert left.startswith(deck.section(slide.section).title)
        assert right.startswith(f"slide {index + 1} of {len(deck.slides)}")


def test_the_deck_title_goes_first_then_the_wording() -> None:
    deck = DECKS[0]
    index = len(deck.slides) // 2
    section = deck.section(deck.slides[index].section).title
    wide = slide_header(deck, index, deck.title, 200)
    assert wide[0] == f"{section}  ·  {deck.title}" and wide[1].startswith("slide ")
    no_title = slide_header(deck, index, deck.title, width_of(wide) - 1)
    assert no_title[0] == section and no_title[1] == wide[1]
    short = slide_header(deck, index, deck.title, width_of(no_title) - 1)
    assert short[0] == section
    assert short[1].startswith(f"{index + 1}/{len(deck.slides)} · ") and "left" not in short[1]
    assert slide_header(deck, index, deck.title, 1) == short  # the bar cuts the section

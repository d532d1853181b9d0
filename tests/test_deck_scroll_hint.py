"""The slide's hint line offers ↑ ↓ only when the text is longer than its pane."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import Static
from ui_helpers import wait_until

from tutor.options import AppOptions
from tutor.ui.demos import registry
from tutor.ui.demos.base import DemoWidget
from tutor.ui.screens.deck import DeckScreen
from tutor.ui.startup import make_app
from tutor.ui.widgets.scroller import Scroller

LONG_TEXT = "\n\n".join(f"Paragraph {i} of a slide that goes on." for i in range(12))
"""23 rows: more than the 18 of an 80x24 pane, fewer than a 110x60 one holds."""


def make_long(content: Path) -> None:
    """Alpha's second slide, text only and not the last, made long."""
    slide = content / "alpha" / "slides" / "020-s2.md"
    slide.write_text(slide.read_text().replace("Body of slide 2", LONG_TEXT))


@pytest.mark.parametrize("ascii", [False, True], ids=["unicode", "ascii"])
async def test_the_scroll_hint_follows_whether_the_text_scrolls(
        ascii: bool, good_content: Path, options_for: Callable[..., AppOptions]) -> None:
    make_long(good_content)
    arrows = "^ v scroll" if ascii else "↑ ↓ scroll"
    app = make_app(options_for(good_content, deck="alpha", ascii=ascii))
    async with app.run_test(size=(80, 24)) as pilot:
        deck = app.screen
        assert isinstance(deck, DeckScreen)
        pane = deck.query_one("#slide-scroll", Scroller)
        body = deck.query_one("#slide-body", Static)

        def hint() -> str:
            line = deck.query_one("#slide-hint", Static)
            return str(line.content) if line.display else ""

        async def settles(scrolls: bool, what: str) -> None:
            # Laid out (the body has its rows), and the hint agrees with the pane.
            await wait_until(pilot, lambda: body.size.height > 0
                             and (pane.max_scroll_y > 0) is scrolls
                             and (arrows in hint()) is scrolls, what=what)
            await pilot.pause()
            assert (arrows in hint()) is scrolls, (what, hint())

        await settles(False, "a short slide without the scroll hint")
        await pilot.press("right")
        await wait_until(pilot, lambda: deck.index == 1, what="the long slide")
        await settles(True, "a long slide at 80x24 with the scroll hint")
        await pilot.resize_terminal(110, 60)
        await settles(False, "the long slide, fitting at 110x60, without it")
        await pilot.resize_terminal(80, 24)
        await settles(True, "the long slide back at 80x24 with it")
        await pilot.press("left")
        await wait_until(pilot, lambda: deck.index == 0, what="the short slide")
        await settles(False, "the short slide again without it")
        assert hint().isascii() is ascii or not ascii


class StillDemo(DemoWidget):
    """A demo with no trainer, so the test compiles and runs nothing."""

    def compose_demo(self) -> Iterable[Widget]:
        yield Static("still")


async def test_a_long_slide_one_key_from_its_demo_offers_both(
        good_content: Path, options_for: Callable[..., AppOptions],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._WIDGETS, "lr-race", StillDemo)
    slide = good_content / "alpha" / "slides" / "040-long.md"
    front, _, _ = slide.read_text().rpartition("---\n")
    slide.write_text(f"{front}---\n{LONG_TEXT}\n")
    app = make_app(options_for(good_content, deck="alpha", slide="a-long"))
    async with app.run_test(size=(80, 24)) as pilot:
        deck = app.screen
        assert isinstance(deck, DeckScreen)
        line = deck.query_one("#slide-hint", Static)
        await wait_until(pilot, lambda: "↑ ↓ scroll" in str(line.content),
                         what="the scroll hint on the long demo slide")
        assert deck.layout_mode == "toggle"
        assert str(line.content) == "d live demo · ↑ ↓ scroll · last slide: the quiz is next"
        await pilot.press("d")  # the demo fills the body: nothing to scroll
        await wait_until(pilot, lambda: "scroll" not in str(line.content),
                         what="no scroll hint over the demo")
        assert str(line.content).startswith("d back to the text")

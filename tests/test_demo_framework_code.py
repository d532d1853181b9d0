"""Pilot tests of the framework-code and decision-guide demos."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import REAL_CONTENT
from tests.ui_helpers import exercise_demo, screen_text, wait_until
from tutor.content.loader import load_deck
from tutor.ui.demos.decision_guide import DecisionGuide
from tutor.ui.demos.framework_code import FrameworkCode
from tutor.ui.startup import make_app

Options = Callable[..., Any]
DECK = load_deck(REAL_CONTENT / "deep-learning")


def slide_with(demo: str) -> str:
    return next(s.id for s in DECK.slides if s.demo is not None and s.demo.name == demo)


async def test_framework_code_switches_with_keys(options_for: Options) -> None:
    factory = lambda: make_app(options_for(deck="deep-learning",  # noqa: E731
                                           slide=slide_with("framework-code")))
    screens = await exercise_demo(factory, ["3"], expect="[3 JAX ")
    for text in screens:
        assert "jax.grad" in text or "jax.value_and_grad" in text or "import jax" in text
    screens = await exercise_demo(factory, ["2", "f", "f"], expect="[1 PyTorch ",
                                  no_color=(True,))
    assert all("lines of code" in text for text in screens)


@pytest.mark.parametrize("ascii", [False, True])
async def test_framework_code_scrolls_code_that_does_not_fit(options_for: Options,
                                                             ascii: bool) -> None:
    app = make_app(options_for(deck="deep-learning", slide=slide_with("framework-code"),
                               ascii=ascii))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen.demo, FrameworkCode)
                         and app.screen.demo.is_mounted, what="the demo")
        if app.screen.layout_mode == "toggle":
            await pilot.press("d")
        await pilot.press("3")
        await wait_until(pilot, lambda: "print(f\"final loss" in screen_text(app) or
                         "[3 JAX " in screen_text(app), what="the JAX snippet")
        for _ in range(40):
            await pilot.press("down")
        await pilot.pause()
        text = screen_text(app)
        assert 'print(f"final loss' in text  # the last line came into view
        if ascii:
            assert text.isascii()


async def test_decision_guide_walks_to_a_recommendation(options_for: Options) -> None:
    factory = lambda: make_app(options_for(deck="deep-learning",  # noqa: E731
                                           slide=slide_with("decision-guide")))
    # no ready-made model -> a pretrained one exists -> fine-tune it
    await exercise_demo(factory, ["n", "y"], expect="Recommendation")
    await exercise_demo(factory, ["y", "y", "backspace", "b", "n", "n", "n"],
                        expect="custom model", sizes=((80, 24),), no_color=(False,))


async def test_decision_guide_enter_opens_the_teaching_slide(options_for: Options) -> None:
    app = make_app(options_for(deck="deep-learning", slide=slide_with("decision-guide")))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen.demo, DecisionGuide)
                         and app.screen.demo.is_mounted, what="the demo")
        guide = app.screen.demo
        assert guide.has_focus
        await pilot.press("enter")  # nothing to open yet: stays
        assert app.screen.demo is guide
        await pilot.press("n", "y")
        answer = guide.here
        assert answer is not None and answer.id == "fine-tune"
        await pilot.press("r")  # start over, then the same path
        assert guide.path == []
        await pilot.press("n", "y", "enter")
        await wait_until(pilot, lambda: app.screen.deck.slides[app.screen.index].id ==
                         answer.slide, what="the taught slide")
        assert "Freeze" in screen_text(app)

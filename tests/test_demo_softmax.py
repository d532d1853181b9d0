"""The softmax demo driven by keys: bars sum to 1, cold is arg-max, hot is uniform."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ui_helpers import exercise_demo, screen_text, shown_demo

from tutor.options import AppOptions
from tutor.ui.demos.softmax import SoftmaxDemo
from tutor.ui.startup import make_app

Options = Callable[..., AppOptions]


async def test_softmax_slide_at_both_sizes_with_and_without_colour(options_for: Options) -> None:
    screens = await exercise_demo(
        lambda: make_app(options_for(deck="deep-learning", slide="softmax")),
        ["down", "plus", "plus", "minus", "left_square_bracket", "right_square_bracket", "r"],
        expect="sum = 1.000")
    assert len(screens) == 2 and all("the top score leads with 66%" in s for s in screens)


@pytest.mark.parametrize(("key", "lesson"), [("left_square_bracket", "arg-max"),
                                             ("right_square_bracket", "uniform")])
async def test_temperature_keys_reach_both_limits(key: str, lesson: str,
                                                  options_for: Options) -> None:
    app = make_app(options_for(deck="deep-learning", slide="softmax"))
    async with app.run_test(size=(120, 40)) as pilot:
        demo = await shown_demo(pilot, SoftmaxDemo)
        for _ in range(15):
            await pilot.press(key)
        await pilot.pause()
        assert lesson in screen_text(app)
        assert sum(demo.probabilities) == pytest.approx(1.0)
        top = max(demo.probabilities)
        assert top > 0.95 if lesson == "arg-max" else top < 0.35


async def test_scores_change_the_selected_bar(options_for: Options) -> None:
    app = make_app(options_for(deck="deep-learning", slide="softmax"))
    async with app.run_test(size=(120, 40)) as pilot:
        demo = await shown_demo(pilot, SoftmaxDemo)
        before = demo.probabilities
        await pilot.press("down", "down", "plus", "plus", "plus", "plus")
        await pilot.pause()
        assert demo.selected == 2 and demo.scores[2] == pytest.approx(2.1)
        assert demo.probabilities[2] > before[2] and demo.probabilities[0] < before[0]
        assert "C +2.1" in screen_text(app)

"""The demos of the deck's second half in the app: each opens on its slide at
80x24 in colour and 120x40 under NO_COLOR, shows its lesson, takes its
keys, and leaves no trainer thread behind when the slide is left."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ui_helpers import exercise_demo

from tutor.options import AppOptions
from tutor.ui.startup import make_app


def trained(demo) -> bool:
    """Every trainer of the demo has taken steps and been drawn (the whole
    lesson takes longer; the lesson tests prove it headless)."""
    snapshots = [s for name, s in demo.snapshots.items() if name.endswith(f"#{demo.generation}")]
    return bool(snapshots) and all(s.step > 0 for s in snapshots)


DEMOS = {
    # slide id: (keys pressed once settled, text then on screen, settled when)
    "gates": (["space", "space", "c", "minus", "plus", "r"], "gradient", trained),
    "attention": (["down", "up", "up", "space", "space", "r"], "illustrative", trained),
    "convolution": (["space", "space", "a", "a", "k", "r"] + ["space"] * 14, "pooling",
                    lambda demo: True),
    "pooling": (["p", "p", "r"], "dense layer", trained),
    "mixed-precision": (["r"], "float16", lambda demo: bool(getattr(demo, "rows", None))),
    "transfer": (["r"], "new task", trained),
}


@pytest.mark.parametrize("slide", list(DEMOS))
async def test_demo_shows_its_lesson_takes_its_keys_and_stops(
        slide: str, options_for: Callable[..., AppOptions]) -> None:
    keys, expect, _ = DEMOS[slide]
    screens = await exercise_demo(
        lambda: make_app(options_for(deck="deep-learning", slide=slide)), keys,
        expect=expect, settle=DEMOS[slide][2])
    assert len(screens) == 2

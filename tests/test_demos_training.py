"""The training demos in the app: each opens on its slide, shows its lesson
(at 80x24), takes its keys at 80x24 and at 120x40 under NO_COLOR, and
leaves no trainer thread behind when the slide is left."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ui_helpers import exercise_demo

from tutor.options import AppOptions
from tutor.ui.app import TutorApp
from tutor.ui.startup import make_app

DEMOS = {
    # demo: (slide id, keys pressed once its lesson is on screen, text then on screen)
    "simple-vs-deep": ("simple-first", ["space", "space", "r"], "params"),
    "linear-vs-nonlinear": ("why-activations", ["space", "space", "r"], "relu"),
    "step-training": ("one-step", ["r", "s", "s", "plus", "minus", "space", "space"],
                      "decision boundary"),
    "lr-race": ("learning-rate-race", ["space", "s", "space", "r"], "0.3"),
    "overfitting": ("early-stopping", ["space", "space", "r"], "validation"),
    "hyperparameter-lab": ("chosen-not-learned",
                           ["plus", "minus", "c", "b", "B", "p", "P", "enter", "G", "x", "R",
                            "x"], "dropout"),
    "label-noise": ("data", ["plus", "minus", "space", "space"], "flipped"),
}


def started(demo: object) -> bool:
    """A trainer of the demo has published (its keys now act on a live run)."""
    return bool(getattr(demo, "snapshots", None))


@pytest.mark.parametrize("name", list(DEMOS))
async def test_demo_shows_its_lesson_takes_its_keys_and_stops(
        name: str, options_for: Callable[..., AppOptions]) -> None:
    slide, keys, expect = DEMOS[name]

    def app() -> TutorApp:
        return make_app(options_for(deck="deep-learning", slide=slide))

    # the lesson on screen once, at the smallest size in colour; then the
    # larger size without colour takes the keys as soon as the demo runs
    await exercise_demo(app, keys, sizes=[(80, 24)], no_color=[False], expect=expect,
                        settle=lambda demo: demo.lesson_seen)
    await exercise_demo(app, keys, sizes=[(120, 40)], no_color=[True], settle=started)

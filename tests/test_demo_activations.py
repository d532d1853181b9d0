"""The activation explorer driven by keys: the engine's curves, a cursor, saturation."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from ui_helpers import exercise_demo, screen_text, shown_demo

from tutor.lessons.activation_explorer import FUNCTIONS, evaluate
from tutor.options import AppOptions
from tutor.ui.demos.activation_explorer import ActivationExplorer
from tutor.ui.startup import make_app

Options = Callable[..., AppOptions]


def _ready(demo: ActivationExplorer) -> bool:
    return bool(demo.curves)


async def test_every_activation_slide_at_both_sizes(options_for: Options) -> None:
    for slide, shown in (("relu", "ReLU"), ("sigmoid", "sigmoid"), ("tanh", "tanh")):
        screens = await exercise_demo(
            lambda slide=slide: make_app(options_for(deck="deep-learning", slide=slide)),
            ["comma", "comma", "full_stop", "greater_than_sign", "f", "5", "1"],
            sizes=None if slide == "sigmoid" else [(80, 24)],
            no_color=None if slide == "sigmoid" else (True,),
            expect="f'(z) =", settle=_ready)
        assert all(shown in s or "ReLU" in s for s in screens)


async def test_plotted_values_are_the_kernels_and_the_cursor_reads_them(
        options_for: Options) -> None:
    app = make_app(options_for(deck="deep-learning", slide="sigmoid"))
    async with app.run_test(size=(120, 40)) as pilot:
        demo = await shown_demo(pilot, ActivationExplorer, _ready)
        assert demo.name_shown == "sigmoid"
        for name in FUNCTIONS:
            f, df = evaluate(name, demo.curves[name].z)
            np.testing.assert_array_equal(demo.curves[name].f, f)
            np.testing.assert_array_equal(demo.curves[name].df, df)
        start = demo.cursor_z
        await pilot.press("full_stop", "full_stop", "comma")
        assert demo.cursor_z == start + 0.25
        await pilot.press("greater_than_sign")  # far out on the flat side: saturated
        await pilot.pause()
        text = screen_text(app)
        c, i = demo.current, demo.cursor
        assert f"f(z) = {c.f[i]:.4g}" in text and f"f'(z) = {c.df[i]:.4g}" in text
        assert "saturated" in text and "z >= +2.90" in text
        await pilot.press("4")
        await pilot.pause()
        assert demo.name_shown == "leaky_relu" and "LeakyReLU" in screen_text(app)

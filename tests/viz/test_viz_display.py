from __future__ import annotations

import pytest

from tutor.viz.display import Display


@pytest.mark.parametrize(
    ("ascii", "env", "expected"),
    [
        (False, {"TERM": "xterm-256color", "COLORTERM": "truecolor"}, ("braille", "truecolor")),
        (False, {"TERM": "xterm-256color"}, ("braille", "256")),
        (True, {"TERM": "xterm-256color", "COLORTERM": "24bit"}, ("ascii", "truecolor")),
        (False, {"TERM": "xterm", "NO_COLOR": "1", "COLORTERM": "truecolor"}, ("braille", "none")),
        (False, {"TERM": "xterm", "NO_COLOR": ""}, ("braille", "256")),  # empty means unset
        (False, {"TERM": "linux"}, ("blocks", "256")),
        (False, {"TERM": "dumb"}, ("ascii", "none")),
    ],
)
def test_detect(ascii: bool, env: dict[str, str], expected: tuple[str, str]) -> None:
    display = Display.detect(ascii, env)
    assert (display.glyphs, display.colour) == expected


def test_no_colour_roles_carry_no_colour() -> None:
    display = Display("braille", "none")
    for style in (display.series(0), display.cls(1), display.weight(-0.7), display.note,
                  display.highlight, display.rgb((1, 2, 3), bg=(4, 5, 6))):
        assert style.color is None and style.bgcolor is None


def test_256_colours_are_palette_colours() -> None:
    style = Display("braille", "256").series(1)
    assert style.color is not None and style.color.triplet is None  # a palette number
    assert Display("braille", "truecolor").series(1).color.triplet is not None  # type: ignore[union-attr]


def _modules_after(*modules: str) -> set[str]:
    import json
    import subprocess
    import sys

    code = ("import json, sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(json.dumps(sorted(sys.modules)))")
    return set(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                         text=True, check=True).stdout))


def test_graphics_import_no_textual() -> None:
    modules = ["display", "colours", "grid", "canvas", "ticks", "linechart", "heatmap",
               "boundary", "bars", "network", "images"]
    loaded = _modules_after(*(f"tutor.viz.{m}" for m in modules))
    assert "textual" not in loaded and "numba" not in loaded


def test_display_imports_no_numpy() -> None:
    """The app builds its Display at start-up, before any demo needs numpy."""
    assert "numpy" not in _modules_after("tutor.viz.display")

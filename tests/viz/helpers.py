"""Checks shared by the graphics tests."""

from __future__ import annotations

from rich.text import Text

from tutor.viz.display import Display

DISPLAYS = [
    Display("braille", "truecolor"),
    Display("braille", "256"),
    Display("braille", "none"),
    Display("blocks", "truecolor"),
    Display("ascii", "none"),
    Display("ascii", "256"),
]


def assert_box(lines: list[Text], width: int, height: int) -> None:
    assert len(lines) == height
    for line in lines:
        assert line.cell_len == width, repr(line.plain)


def colour_styles(lines: list[Text]) -> list[str]:
    """Every span style that sets a foreground or background colour."""
    found = []
    for line in lines:
        for span in line.spans:
            style = span.style
            if not isinstance(style, str) and (style.color is not None or
                                               style.bgcolor is not None):
                found.append(str(style))
    return found


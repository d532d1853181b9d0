"""Does a slide's text fit the screen without scrolling?

Measured with the app's own renderer (`slide_body`) at the size of the
slide pane on an 80x24 terminal; `tests/test_fit.py` checks these numbers
against the real pane, so the two cannot drift apart.
"""

from __future__ import annotations

from rich.console import Console

from tutor.content.model import Slide
from tutor.viz.cards import slide_body

BODY_WIDTH = 76
"""80 columns less the slide pane's padding of 2 on each side (app.tcss)."""
BODY_HEIGHT = 18
"""24 rows less the bar, the title and its padding, the pane's top padding,
the hint line and the footer."""
DEMO_TEXT_LINES = 8
"""Lines of text a demo slide aims for, so its live demo fits under it at 80x24."""


def slide_lines(slide: Slide, width: int = BODY_WIDTH) -> int:
    """Rows the slide's text takes at `width`, the longer of its Unicode and
    ASCII forms, without trailing blank rows. A live demo is not text: it
    gets a pane of its own, beside, under or one key away."""
    tallest = 0
    for ascii in (False, True):
        console = Console(width=width, color_system=None, legacy_windows=False,
                          force_terminal=False, no_color=True)
        lines = console.render_lines(slide_body(slide, ascii, demo_note=False), pad=False)
        rows = ["".join(segment.text for segment in line).rstrip() for line in lines]
        while rows and not rows[-1]:
            rows.pop()
        tallest = max(tallest, len(rows))
    return tallest


"""A scrolling pane that leaves every key but ↑ ↓ to its screen."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll


class Scroller(VerticalScroll, inherit_bindings=False):
    """Scrolls with ↑ ↓ and the wheel only.

    The screen owns ← → PgUp PgDn Home End. Taking them from the pane,
    rather than using priority bindings on the screen, keeps key events in
    the order they were typed (priority bindings run ahead of queued keys).
    """

    BINDINGS = [
        Binding("up", "scroll_up", "Scroll up", show=False),
        Binding("down", "scroll_down", "Scroll down", show=False),
    ]

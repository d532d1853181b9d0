"""Shown instead of a screen's content when the terminal is too small."""

from __future__ import annotations

from textual.widgets import Static


class TooSmall(Static):
    """Says how big the terminal must be; the app toggles it on resize."""

    def __init__(self, min_width: int, min_height: int) -> None:
        super().__init__(id="too-small")
        self.min_width = min_width
        self.min_height = min_height

    def show_size(self, width: int, height: int) -> None:
        self.update(
            f"This terminal is {width}x{height}.\n"
            f"dltutor needs at least {self.min_width}x{self.min_height}.\n"
            "Make the window larger (or the font smaller); q quits."
        )

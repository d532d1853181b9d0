"""What every dltutor screen shares: a too-small notice, a title bar, a footer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from tutor.ui.upstream import skip_first_repaint
from tutor.ui.widgets.footer import TutorFooter
from tutor.ui.widgets.too_small import TooSmall

if TYPE_CHECKING:
    from tutor.ui.app import TutorApp

MIN_WIDTH = 78  # a 72-column diagram plus the slide's margins and scrollbar
MIN_HEIGHT = 16
BAR_PADDING = 2
"""Columns the title bar's own padding takes (`.bar` in app.tcss)."""


def tutor_app(screen: Screen[Any]) -> TutorApp:
    """The running app, typed: screens reach the library, store and options here."""
    return cast("TutorApp", screen.app)


class TutorScreen(Screen[None]):
    """Screens fill `compose_body`; the app hides the body when too small."""

    _shown = False

    @property
    def tutor(self) -> TutorApp:
        return tutor_app(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No keys act on a screen the learner cannot see: terminal too small, or
        another screen already on top (two keys read at once: the second must not
        act on the screen the first one left), or the app closing."""
        return self.is_active and not (self.tutor.too_small or self.tutor.ending)

    def compose(self) -> ComposeResult:
        yield TooSmall(MIN_WIDTH, MIN_HEIGHT)
        left, right = self.initial_bar()
        plain = self.tutor.plain_text
        with Horizontal(classes="bar"):
            yield Static(plain(left), id="bar-left", markup=False)
            yield Static(plain(right), id="bar-right", markup=False)
        with Vertical(classes="body"):
            yield from self.compose_body()
        yield TutorFooter()

    def compose_body(self) -> Iterable[Widget]:
        raise NotImplementedError

    def initial_bar(self) -> tuple[str, str]:
        """The title bar's text when the screen is built. Text that is there from
        the start is in the first frame; text set once mounted waits for one more
        layout, and that frame goes out without it."""
        return "", ""

    def set_bar(self, left: str, right: str = "") -> None:
        """Title bar: `left` is cut short when space runs out, `right` never is."""
        plain = self.tutor.plain_text
        self.query_one("#bar-left", Static).update(plain(left))
        self.query_one("#bar-right", Static).update(plain(right))

    def on_screen_resume(self) -> None:
        self.tutor.check_size()
        if not self._shown:
            self._shown = True
            skip_first_repaint(self)

    def on_resize(self) -> None:
        self.tutor.check_size()
        self.tutor.confirm_size_soon()
        # Re-fitted at every Resize, repeats at the same size included: this
        # handler runs before Textual lays the screen out at a new size, and a
        # repeat is what fits the title bar to the width it ends up with.
        self.size_changed()

    def size_changed(self) -> None:
        """The screen has a new size: re-fit what depends on it."""

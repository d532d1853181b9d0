"""The screen's keys on one line at the bottom: one widget, redrawn only when they change.

Textual's `Footer` builds a widget per key and rebuilds them all whenever
the screen's bindings might have changed (every focus change, every
dialog). Measured in a 100x30 terminal, one rebuild cost 60-140 ms of the UI
thread on a busy machine, restyling every key, and a demo slide saw a dozen
at start: keys waited behind them. dltutor is driven by the keyboard only,
so the keys need not be widgets: this bar renders them as one line of text
and repaints only when the text would differ.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

NORMAL, DIM = Style(), Style(dim=True)


class KeyHint(NamedTuple):
    key: str
    description: str
    enabled: bool


class TutorFooter(Widget):
    """The keys the focused widget and its screen offer, as `key description` pairs."""

    COMPONENT_CLASSES = {"footer--key", "footer--description"}

    DEFAULT_CSS = """
    TutorFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    TutorFooter > .footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    TutorFooter > .footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.hints: tuple[KeyHint, ...] = ()
        self._pending = False

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # Focus and bindings settle after the message that announced them:
        # read them once, after the next refresh, however many announcements.
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._read_bindings)

    def _read_bindings(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        hints = key_hints(self.screen, self.app.get_key_display)
        if hints != self.hints:
            self.hints = hints
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer--key")
        description_style = self.get_component_rich_style("footer--description")
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for hint in fit_hints(self.hints, self.size.width):
            # A key that does nothing just now stays in place, dimmed.
            faded = NORMAL if hint.enabled else DIM
            line.append(f" {hint.key} ", style=key_style + faded)
            line.append(f"{hint.description} ", style=description_style + faded)
        return line


def key_hints(screen: Screen[object],
              key_display: Callable[[Binding], str]) -> tuple[KeyHint, ...]:
    """The bindings a footer shows for `screen`, one per action, in binding
    order (the first key bound to an action names it)."""
    by_action: defaultdict[str, list[KeyHint]] = defaultdict(list)
    for _node, binding, enabled, _tooltip in screen.active_bindings.values():
        if binding.show:
            by_action[binding.action].append(
                KeyHint(key_display(binding), binding.description, enabled))
    return tuple(hints[0] for hints in by_action.values())


def hint_width(hint: KeyHint) -> int:
    """Columns `hint` takes on the bar: " key description "."""
    return cell_len(hint.key) + cell_len(hint.description) + 3


def fit_hints(hints: tuple[KeyHint, ...], width: int) -> tuple[KeyHint, ...]:
    """The hints that fit in `width` columns: from the first, always ending
    with the last one (the key that lists every key), so that on a narrow
    terminal what is cut is named on the help screen, not lost off the edge."""
    if sum(map(hint_width, hints)) <= width or not hints:
        return hints
    room = width - hint_width(hints[-1])
    kept: list[KeyHint] = []
    for hint in hints[:-1]:
        if hint_width(hint) > room:
            break
        kept.append(hint)
        room -= hint_width(hint)
    return (*kept, hints[-1])

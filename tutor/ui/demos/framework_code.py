"""framework-code: the same small model in PyTorch, Keras and JAX, one key apart.

The snippets are files of the deck (`code/<framework>.py`), checked by
`dltutor check` and run by the test suite where the framework is installed;
this widget only shows them, syntax-highlighted, with their line counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.console import RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from tutor.content.snippets import Snippet, read_snippets
from tutor.ui.demos.base import DemoWidget
from tutor.ui.demos.registry import register
from tutor.viz.cards import plain

TITLES = {"pytorch": "PyTorch", "keras": "Keras", "jax": "JAX"}
"""Known frameworks in the order they are shown; other snippets follow."""


def ordered(snippets: Iterable[Snippet]) -> list[Snippet]:
    order = list(TITLES)
    return sorted(snippets, key=lambda s: (order.index(s.name) if s.name in order else
                                           len(order), s.name))


def tabs(snippets: list[Snippet], current: int) -> Text:
    """`[1 PyTorch 16]  2 Keras 18  3 JAX 22` (lines of code): the one shown
    in brackets and reverse video, so it reads without colour too."""
    line = Text(no_wrap=True, overflow="ellipsis")
    for i, snippet in enumerate(snippets):
        label = f"{i + 1} {TITLES.get(snippet.name, snippet.name)} {snippet.lines}"
        if i == current:
            line.append(f"[{label}]", style="bold reverse")
        else:
            line.append(f" {label} ", style="dim")
        line.append(" ")
    line.append("lines of code", style="dim")
    return line


@register("framework-code")
class FrameworkCode(DemoWidget):
    """Keys 1-3 (or f) switch the framework; Up/Down scroll code that does not fit."""

    FPS = 0  # nothing moves on its own: keys redraw
    HEIGHT = 14
    DEFAULT_CSS = """
    FrameworkCode > #fw-tabs {
        height: 1;
        margin-bottom: 1;
    }
    FrameworkCode > #fw-scroll {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    """
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("1", "pick(0)", "PyTorch"),
        Binding("2", "pick(1)", "Keras"),
        Binding("3", "pick(2)", "JAX"),
        Binding("f", "cycle", "Next framework"),
        Binding("up", "scroll_text(-1)", "", show=False),
        Binding("down", "scroll_text(1)", "", show=False),
    ]

    def compose_demo(self) -> Iterable[Widget]:
        deck = getattr(self.screen, "deck", None)
        found, problems = read_snippets(deck.path) if deck and deck.path else ([], [])
        self.snippets = ordered(found)
        first = str(self.demo.params.get("framework", "pytorch"))
        names = [s.name for s in self.snippets]
        self.current = names.index(first) if first in names else 0
        self.problems = problems
        self._highlights: dict[int, RenderableType] = {}
        yield Static("", id="fw-tabs", markup=False)
        with VerticalScroll(id="fw-scroll", can_focus=False):
            yield Static("", id="fw-code", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self.redraw)  # no frame timer: draw once the parts exist

    def action_pick(self, index: int) -> None:
        if 0 <= index < len(self.snippets) and index != self.current:
            self.current = index
            self.query_one("#fw-scroll", VerticalScroll).scroll_home(animate=False)
            self.redraw()

    def action_cycle(self) -> None:
        if self.snippets:
            self.action_pick((self.current + 1) % len(self.snippets))

    def action_scroll_text(self, rows: int) -> None:
        """Up/Down scroll the code when it does not fit, else the slide's text."""
        scroll = self.query_one("#fw-scroll", VerticalScroll)
        if scroll.max_scroll_y > 0:
            scroll.scroll_relative(y=rows, animate=False)
        else:
            super().action_scroll_text(rows)

    def _highlighted(self, index: int) -> RenderableType:
        """The snippet syntax-highlighted, once per snippet (Pygments takes
        tens of milliseconds: a key switching tabs shows a kept copy)."""
        cache = self._highlights
        if index not in cache:
            source = self.snippets[index].source
            syntax = Syntax(source, "python", theme="ansi_dark", background_color="default")
            text = syntax.highlight(source)
            text.rstrip()  # highlight() ends with a newline: no blank last row
            cache[index] = plain(text, self.ascii)
        return cache[index]

    def draw(self) -> None:
        code = self.query_one("#fw-code", Static)
        if not self.snippets:
            why = "; ".join(str(p) for p in self.problems) or "the deck has no code/*.py files"
            code.update(Text(self.plain(f"No snippets to show: {why}"), style="italic"))
            self.set_status("")
            return
        snippet = self.snippets[self.current]
        self.query_one("#fw-tabs", Static).update(plain(tabs(self.snippets, self.current),
                                                        self.ascii))
        code.update(self._highlighted(self.current))
        title = TITLES.get(snippet.name, snippet.name)
        scroll = self.query_one("#fw-scroll", VerticalScroll)
        more = " · ↑↓ scroll" if len(snippet.source.splitlines()) > scroll.size.height else ""
        self.set_status(f"{title} ({snippet.path.name}) · 1-3 or f switch{more}")
        counts = ", ".join(f"{TITLES.get(s.name, s.name)} {s.lines}" for s in self.snippets)
        self.lesson_visible(f"Same model and data; lines of code: {counts}")

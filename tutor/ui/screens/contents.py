"""Table of contents: every slide by section; Enter jumps there."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.content import Deck
from tutor.ui.screens.base import tutor_app
from tutor.ui.widgets.choices import Choices


class ContentsScreen(ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("t", "close", "Close", show=False),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, deck: Deck, current: int, seen: set[str]) -> None:
        super().__init__()
        self.deck = deck
        self.current = current
        self.seen = seen

    def compose(self) -> ComposeResult:
        plain = tutor_app(self).plain_text
        options: list[Option | None] = []
        highlight = 0
        for section in self.deck.sections:
            # Text, not str: an option's str is parsed as markup.
            options.append(Option(Text(plain(f"{section.title}  ({section.minutes:g} min)")),
                                  disabled=True))
            for index, slide in enumerate(self.deck.slides):
                if slide.section != section.id:
                    continue
                mark = "•" if index == self.current else ("✓" if slide.id in self.seen else " ")
                if index == self.current:
                    highlight = len(options)
                options.append(Option(Text(plain(f"  {mark} {index + 1:>2}. {slide.title}")),
                                      id=str(index)))
        with Vertical(id="contents"):
            yield Static(plain("Contents   (Enter jumps · Esc closes)"),
                         classes="dialog-title", markup=False)
            yield Choices(*options, id="contents-list")
        self._highlight = highlight

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.highlighted = self._highlight
        listing.scroll_to_highlight()
        listing.focus()

    @on(OptionList.OptionSelected)
    def _jump(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None and self.is_active:
            self.dismiss(int(event.option.id))

    def action_close(self) -> None:
        if self.is_active:  # not twice when two keys arrive together
            self.dismiss(None)

"""A small dialog that asks which of a few ways to go on."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tutor.ui.screens.base import tutor_app
from tutor.ui.widgets.choices import Choices


class ChooseScreen(ModalScreen[str | None]):
    """`question`, then `choices` as (id, label); Enter picks, Esc cancels (None)."""

    BINDINGS = [
        Binding("escape", "close", "Cancel"),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, question: str, choices: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.question = question
        self.choices = choices

    def compose(self) -> ComposeResult:
        plain = tutor_app(self).plain_text
        with Vertical(id="choose"):
            yield Static(plain(self.question), classes="dialog-title", markup=False)
            yield Choices(*(Option(Text(plain(label)), id=key) for key, label in self.choices),
                          id="choose-list")
            yield Static(plain("↑ ↓ choose · Enter go · Esc cancel"), classes="dialog-hint",
                         markup=False)

    def on_mount(self) -> None:
        listing = self.query_one(Choices)
        listing.highlighted = 0
        listing.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if self.is_active:  # not twice when two keys arrive together
            self.dismiss(event.option.id)

    def action_close(self) -> None:
        if self.is_active:
            self.dismiss(None)

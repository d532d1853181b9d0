"""Every key of the screen below, read from its bindings so it never drifts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tutor.ui.screens.base import tutor_app


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, below: Screen[object]) -> None:
        super().__init__()
        self.below = below

    def key_lines(self) -> list[str]:
        """'keys  what they do', merging keys that do the same thing."""
        merged: dict[str, list[str]] = {}
        bindings = list(getattr(self.below, "BINDINGS", [])) + list(self.app.BINDINGS)
        extra = getattr(self.below, "EXTRA_KEYS", [])
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if binding.key == "ctrl+c":
                continue
            keys = merged.setdefault(binding.description, [])
            for key in binding.key.split(","):
                shown = self.app.get_key_display(Binding(key.strip(), binding.action))
                if shown not in keys:
                    keys.append(shown)
        lines = [f"{' / '.join(keys):<22} {what}" for what, keys in merged.items()]
        lines += [f"{keys:<22} {what}" for keys, what in extra]
        return lines

    def compose(self) -> ComposeResult:
        plain = tutor_app(self).plain_text
        with Vertical(id="help"):
            yield Static(plain("Keys on this screen   (Esc closes)"), classes="dialog-title",
                         markup=False)
            with VerticalScroll():
                yield Static(plain("\n".join(self.key_lines())), id="help-keys", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)

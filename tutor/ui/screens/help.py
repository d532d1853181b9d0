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
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self, below: Screen[object]) -> None:
        super().__init__()
        self.below = below

    def key_lines(self) -> list[str]:
        """'keys  what they do', merging keys that do the same thing."""
        merged: dict[str, list[str]] = {}
        # A subclass's binding replaces its base class's for the same key.
        bindings: list[Binding] = []
        for cls in type(self.below).__mro__:
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and all(b.key != binding.key for b in bindings):
                    bindings.append(binding)
        bindings += [b for b in self.app.BINDINGS if isinstance(b, Binding)]
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
        if self.is_active:  # not twice when two keys arrive together
            self.dismiss(None)

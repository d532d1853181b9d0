"""Every key of the screen below, read from its bindings so it never drifts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tutor.ui.screens.base import tutor_app


def class_bindings(cls: type) -> list[Binding]:
    """The bindings of `cls` and its bases; a subclass's replaces its base's
    for the same key."""
    bindings: list[Binding] = []
    # dltutor's own classes only: Textual's bind tab, Ctrl-C copy... which mean
    # nothing here (Ctrl-C quits).
    for klass in (k for k in cls.__mro__ if k.__module__.startswith("tutor.")):
        for binding in klass.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and all(b.key != binding.key for b in bindings):
                bindings.append(binding)
    return bindings


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
        # The live demo's keys first (it has them while it has the focus).
        demo = getattr(self.below, "demo", None)
        shown = demo is not None and getattr(self.below, "demo_on_screen", False)
        bindings = class_bindings(type(demo)) if shown else []
        bindings += [b for b in class_bindings(type(self.below))
                     if all(b.key != d.key for d in bindings)]
        app = tutor_app(self)
        bindings += [b for b in app.BINDINGS
                     if isinstance(b, Binding) and app.offers(b.action)]
        extra = getattr(self.below, "EXTRA_KEYS", [])
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            offers = getattr(self.below, "offers", None)
            if offers is not None and not offers(binding.action):
                continue  # e.g. "d" on a slide without a demo
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

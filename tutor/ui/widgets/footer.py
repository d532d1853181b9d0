"""Textual's footer, without the memory it keeps each time it redraws its keys."""

from __future__ import annotations

from textual.widgets import Footer


class TutorFooter(Footer):
    """`Footer` that lets go of the keys it replaced.

    Each `FooterKey` binds to the footer's `compact` setting, which registers
    a watcher on the footer. Textual drops watchers of removed widgets only
    when `compact` changes, which it never does here, so every recompose
    (each screen change, each `?` or `t`) kept the old keys and their styles
    alive. After recomposing, watchers whose
    widget has gone are dropped, the same rule Textual applies itself.
    """

    async def recompose(self) -> None:
        await super().recompose()
        watchers = getattr(self, "__watchers", None)
        if isinstance(watchers, dict):
            for entries in watchers.values():
                entries[:] = [(node, callback) for node, callback in entries
                              if node is self or node.parent is not None]

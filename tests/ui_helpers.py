"""Small helpers for driving the app in tests."""

from __future__ import annotations

from textual.app import App


def screen_text(app: App[object]) -> str:
    """What the terminal shows now, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)

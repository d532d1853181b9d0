"""Work-arounds for Textual bugs, applied once when the app module is imported.

`StylesCache.get_inner_outer` is a method under `functools.lru_cache` whose
first parameter is named `cls` but is not a classmethod (Textual 8.2, upstream
issue #6665): every widget's style cache is part of a cache key, so the last
1,024 widgets ever drawn stay alive with all the lines they rendered. Each `?`
or `t` dialog draws about 14 widgets, so each one opened kept ~300 KB until
the cache filled (and a room server keeps one per session). The same two
styles are computed here from the colours alone, so nothing holds a widget.

`switchable` lets the app's default screen be replaced with `switch_screen`;
`skip_first_repaint` spares a screen a redundant whole frame when it first shows.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.screen import Screen
from textual.style import Style

ScreenT = TypeVar("ScreenT", bound=Screen[Any])


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    """Inner and outer background styles, as Textual's own method computes them."""
    return (Style(background=base_background + background),
            Style(background=base_background))


def _get_inner_outer(_cache: StylesCache, base_background: Color,
                     background: Color) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def apply() -> None:
    """Replace the leaking method (idempotent)."""
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign,assignment]


def switchable(screen: ScreenT) -> ScreenT:
    """`screen`, fit to be the app's default screen and later replaced with
    `switch_screen`. Textual gives every pushed screen a result callback and
    removes it when the screen is switched away; the default screen never gets
    one, so switching away from it raises IndexError (Textual 8.2). It gets the
    same empty callback `switch_screen` gives the screen it switches to."""
    screen._push_result_callback(screen, None)
    return screen



def skip_first_repaint(screen: Screen[Any]) -> None:
    """Called as `screen` shows for the first time, before Textual's handler
    lays it out and paints all of it: that handler then asks for a second
    repaint of all of it, a redundant whole frame (5.5 KB over SSH at every
    start). The request is dropped once the handler is done."""

    def drop() -> None:
        screen._repaint_required = False

    screen.call_next(drop)

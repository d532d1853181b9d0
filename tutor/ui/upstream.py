"""Work-arounds for Textual bugs, applied once when the app module is imported.

`StylesCache.get_inner_outer` is a method under `functools.lru_cache` whose
first parameter is named `cls` but is not a classmethod (Textual 8.2, upstream
issue #6665): every widget's style cache is part of a cache key, so the last
1,024 widgets ever drawn stay alive with all the lines they rendered. Each `?`
or `t` dialog draws about 14 widgets, so each one opened kept ~300 KB until
the cache filled (and a room server keeps one per session). The same two
styles are computed here from the colours alone, so nothing holds a widget.
"""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style


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

"""A renderable that is laid out once per width, however often it is drawn.

A slide's Markdown was rendered four times each time a slide was shown: the
deck screen counts its rows to place the demo, Textual renders a static's
content to learn its height, again when the layout settles, and once more to
draw it. `RenderedOnce` keeps the lines of the first render for each set of
options that can change them; the rest are copies of those lines.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment

_Key = tuple[int, bool, str | None, str | None, bool | None]


class RenderedOnce:
    """`renderable`, rendered at most once per width (and wrapping options)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._lines: dict[_Key, list[list[Segment]]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # Not keyed by height: whoever asks for a height crops or pads these
        # lines to it (Textual measures without one and draws with one).
        key = (options.max_width, options.ascii_only, options.justify, options.overflow,
               options.no_wrap)
        lines = self._lines.get(key)
        if lines is None:
            lines = console.render_lines(self.renderable, options.update(height=None),
                                         pad=False, new_lines=False)
            if len(self._lines) > 8:  # a few widths at most (a resize storm passes)
                self._lines.clear()
            self._lines[key] = lines
        newline = Segment.line()
        for line in lines:
            yield from line
            yield newline

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)

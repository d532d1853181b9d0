"""A widget that shows a graphic's lines and repaints only the rows that changed.

Every live demo draws through it. The graphic is a pure function in
`tutor.viz` returning `list[Text]`, one per row; the demo hands the result to
`set_lines` on each frame:

    class LossCurve(DemoWidget):
        def compose(self) -> ComposeResult:
            yield LinesView(id="curve")

        def draw(self, snapshot: Snapshot) -> None:
            view = self.query_one("#curve", LinesView)
            width, height = view.size          # draw for the space the layout gave
            view.set_lines(line_chart(series, width, height, self.display))

`set_lines` compares each new line with the one shown (characters and
styles) and refreshes only the rows that differ, merged
into runs. Textual resends every row a widget refreshes, so a growing curve
on fixed axes sends a few rows a frame instead of the whole chart. Rows are
turned into strips lazily in `render_line` and cached until they change or
the widget's own style changes; every segment gets an explicit style (the
widget's), because Textual's NO_COLOR filter fails on segments without one.

With `height: auto` the widget is as tall as its lines; a change in the
number of lines asks for a new layout.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.events import Resize
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget


class LinesView(Widget):
    """Rows of Rich `Text`, repainted row by row."""

    DEFAULT_CSS = """
    LinesView {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, lines: Sequence[Text] = (), *, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: list[Text] = list(lines)
        self._strips: dict[int, Strip] = {}
        """Rows ready to paint, cut to the widget's width (cleared on resize)."""
        self._base_style: Style | None = None

    @property
    def lines(self) -> list[Text]:
        """The lines shown (do not modify; pass new ones to `set_lines`)."""
        return self._lines

    def set_lines(self, lines: Sequence[Text]) -> None:
        """Show `lines`; only rows whose text or styles changed are repainted."""
        old, new = self._lines, list(lines)
        self._lines = new
        if len(old) != len(new):
            self._strips.clear()
            self.refresh(layout=True)
            return
        changed = [y for y, (a, b) in enumerate(zip(old, new, strict=True)) if not _same(a, b)]
        for y in changed:
            self._strips.pop(y, None)
        for start, count in _runs(changed):
            self.refresh(Region(0, start, self.size.width, count))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((line.cell_len for line in self._lines), default=0)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._strips.clear()  # the base style of every strip may have changed

    def on_resize(self, event: Resize) -> None:
        self._strips.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        strip = self._strips.get(y)
        if strip is not None:
            return strip
        # The widget's own style, worked out from its ancestors' (about half a
        # millisecond, measured): once per style change, not once per row.
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        width = self.size.width
        if not 0 <= y < len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[y]
        segments = Segment.apply_style(line.render(self.app.console, end=""), style=base)
        strip = self._strips[y] = Strip(segments, line.cell_len).crop_extend(0, width, base)
        return strip


def _same(a: Text, b: Text) -> bool:
    """Equal characters and styles (`Text.__eq__` ignores the base style)."""
    return a is b or (a.plain == b.plain and a.style == b.style and a.spans == b.spans)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, count) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for y in rows:
        if runs and runs[-1][0] + runs[-1][1] == y:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((y, 1))
    return runs

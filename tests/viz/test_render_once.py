"""A renderable drawn once per width looks exactly like the original, and the
original is rendered once per width however often it is drawn."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown

from tutor.viz.render_once import RenderedOnce

SLIDE = """# A heading

Some **bold** text that is long enough to wrap at a narrow width, with `code`.

- a bullet point that also wraps when the terminal is narrow enough
- another

```python
print("fenced")
```
"""


class Counted:
    def __init__(self) -> None:
        self.renders = 0
        self.inner = Markdown(SLIDE)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        self.renders += 1
        yield self.inner


def drawn(renderable: object, width: int) -> str:
    console = Console(width=width, record=True, force_terminal=True, color_system="truecolor")
    with console.capture():
        console.print(renderable)
    return console.export_text(styles=True)


def test_it_draws_what_the_original_draws_at_every_width() -> None:
    once = RenderedOnce(Markdown(SLIDE))
    for width in (20, 41, 80, 20):
        assert drawn(once, width) == drawn(Markdown(SLIDE), width)


def test_the_original_is_rendered_once_per_width() -> None:
    counted = Counted()
    once = RenderedOnce(counted)
    console = Console(width=60)
    options = console.options.update_width(60)
    for height in (None, None, 12, None):  # measure, lay out, draw, count rows
        lines = console.render_lines(once, options.update(height=height), pad=False)
        assert height is None or len(lines) == height
    assert counted.renders == 1
    console.render_lines(once, console.options.update_width(30), pad=False)
    assert counted.renders == 2

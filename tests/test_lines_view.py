"""LinesView: repaints only changed rows, and draws under NO_COLOR."""

from __future__ import annotations

import numpy as np
import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region

from tests.ui_helpers import screen_text
from tutor.ui.widgets.lines_view import LinesView
from tutor.viz.display import Display
from tutor.viz.linechart import Series, line_chart


class ViewApp(App[None]):
    def __init__(self, lines: list[Text]) -> None:
        super().__init__()
        self.initial = lines

    def compose(self) -> ComposeResult:
        yield LinesView(self.initial, id="view")


def rows(n: int, width: int = 20) -> list[Text]:
    return [Text(f"row {i}".ljust(width), style="bold" if i % 2 else "") for i in range(n)]


async def test_changing_one_row_refreshes_that_row_only() -> None:
    app = ViewApp(rows(6))
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(LinesView)
        await pilot.pause()
        refreshed: list[tuple[Region, ...]] = []
        original = view.refresh

        def spy(*regions: Region, **kwargs: bool) -> LinesView:
            refreshed.append(regions)
            return original(*regions, **kwargs)

        view.refresh = spy  # type: ignore[method-assign]
        lines = rows(6)
        view.set_lines(lines)  # equal lines: nothing to repaint
        assert refreshed == []
        lines[3] = Text("changed".ljust(20))
        view.set_lines(lines)
        assert refreshed == [(Region(0, 3, view.size.width, 1),)]
        refreshed.clear()
        lines = [*lines[:1], *[Text("x".ljust(20))] * 2, *lines[3:4], Text("y".ljust(20)),
                 lines[5]]
        view.set_lines(lines)  # rows 1-2 and 4: two runs
        assert [r[0].y for r in refreshed] == [1, 4]
        assert [r[0].height for r in refreshed] == [2, 1]
        await pilot.pause()
        assert screen_text(app).splitlines()[3].startswith("changed")


async def test_a_style_change_alone_is_a_change() -> None:
    app = ViewApp(rows(3))
    async with app.run_test(size=(40, 6)):
        view = app.query_one(LinesView)
        lines = rows(3)
        lines[0] = Text(lines[0].plain, style="reverse")
        calls: list[tuple[Region, ...]] = []
        original = view.refresh
        view.refresh = lambda *r, **k: calls.append(r) or original(*r, **k)  # type: ignore[method-assign]
        view.set_lines(lines)
        assert [r[0].y for r in calls] == [0]


async def test_more_lines_relayout_and_show() -> None:
    app = ViewApp(rows(2))
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(LinesView)
        view.set_lines(rows(5))
        await pilot.pause()
        assert view.size.height == 5
        assert "row 4" in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (30, 8)])
async def test_draws_a_chart_under_no_color(monkeypatch: pytest.MonkeyPatch,
                                            size: tuple[int, int]) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    x = np.arange(50.0)
    chart = line_chart([Series("loss", x, np.exp(-x / 10))], 40, 10,
                       Display.detect(env={"NO_COLOR": "1", "TERM": "xterm"}))
    app = ViewApp([Text(), *chart])  # an empty line too: no segment may lack a style
    async with app.run_test(size=size) as pilot:
        view = app.query_one(LinesView)
        await pilot.pause()
        for y in range(view.size.height + 2):
            assert all(seg.style is not None for seg in view.render_line(y))
        await pilot.resize_terminal(size[0] + 10, size[1])  # resize: full repaint, no crash
        await pilot.pause()
        text = screen_text(app)
        app.export_screenshot()
    assert "1┤" in text

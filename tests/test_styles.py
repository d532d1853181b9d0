"""Styles parsed once per process: what the fork server parses, sessions reuse."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet

from tutor.options import AppOptions
from tutor.ui.app import TutorApp
from tutor.ui.startup import make_app
from tutor.ui.styles import SharedStylesheet, loaded_node_classes, preparse

Options = Callable[..., AppOptions]


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Start from an empty shared cache; record every CSS source Textual parses."""
    monkeypatch.setattr(SharedStylesheet, "_parsed", {})
    parsed: list[object] = []
    parse = Stylesheet._parse_rules

    def counting(self: Stylesheet, css: str, read_from: object, *args: object) -> object:
        parsed.append(read_from)
        return parse(self, css, read_from, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Stylesheet, "_parse_rules", counting)
    return parsed


async def _open_first_slide(options: AppOptions) -> None:
    app = make_app(options)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()


async def test_after_preparse_a_session_parses_no_styles(
        monkeypatch: pytest.MonkeyPatch, good_content: Path, options_for: Options) -> None:
    import tutor.ui.screens.deck  # noqa: F401 - loaded, as in the fork server

    parsed = _count_parses(monkeypatch)
    await _open_first_slide(options_for(good_content, deck="alpha"))
    assert parsed  # without preparse, the app parses its styles itself

    parsed = _count_parses(monkeypatch)
    assert preparse(TutorApp, loaded_node_classes()) > 0
    parsed.clear()
    await _open_first_slide(options_for(good_content, deck="alpha"))
    assert parsed == []


def test_styles_parsed_with_other_variables_are_not_shared(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SharedStylesheet, "_parsed", {})
    colours = []
    for colour in ("red", "blue"):
        sheet = SharedStylesheet(variables={"accent": colour})
        sheet.add_source("Static { color: $accent; }", read_from=("test", "css"))
        sheet.parse()
        colours.append(sheet.rules[0].styles.color)
    assert colours[0] != colours[1]
    again = SharedStylesheet(variables={"accent": "red"})
    again.add_source("Static { color: $accent; }", read_from=("test", "css"))
    again.parse()
    assert again.rules[0] is SharedStylesheet._parsed[next(iter(SharedStylesheet._parsed))][0]

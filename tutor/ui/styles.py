"""Parsed styles kept for the whole process, so a fork server parses them once.

Textual parses the app's CSS files and every widget class's DEFAULT_CSS when
an app starts, into a cache that belongs to that app's stylesheet. Each
workshop session is a fresh app in a process forked from the fork server, so
each parsed the same text again: about a sixth of the CPU a session spent
before its first frame. `SharedStylesheet` keeps parsed rules per process,
keyed by everything the parse depends on, and `preparse` fills that cache
before the fork server forks.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import Any, ClassVar

from textual.app import App
from textual.css.model import RuleSet
from textual.css.stylesheet import CSSLocation, Stylesheet
from textual.dom import DOMNode

ParseKey = tuple[str, CSSLocation, bool, int, str, tuple[tuple[str, str], ...]]


class SharedStylesheet(Stylesheet):
    """A `Stylesheet` whose parsed rules outlive it: any stylesheet of this
    process that parses the same CSS, from the same place, with the same
    variables (theme colours) gets the same rules without parsing."""

    _parsed: ClassVar[dict[ParseKey, list[RuleSet]]] = {}

    def _parse_rules(self, css: str, read_from: CSSLocation, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope,
               tuple(sorted(self._variables.items())))
        rules = self._parsed.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            self._parsed[key] = rules
        return rules


def preparse(app_class: type[App[Any]], widget_classes: Iterable[type[DOMNode]]) -> int:
    """Parse into the shared cache what an `app_class` app would: its CSS
    files and the default CSS of `widget_classes`, with the variables of an
    app started in this environment. Returns how many sources were parsed.

    Nothing is started: the variables come from an app object that never runs.
    A source that does not parse is left for the app to report, as it would.
    """
    folder = Path(inspect.getfile(app_class)).parent
    paths = app_class.CSS_PATH or []
    paths = [paths] if isinstance(paths, str | PurePath) else paths
    probe: App[Any] = App(css_path=[folder / path for path in paths])
    variables = probe.get_css_variables()
    sheets = [SharedStylesheet(variables=variables)]
    sheets[0].read_all(probe.css_path)
    for node_class in {app_class, *widget_classes}:
        # Textual reads a class's default CSS from an instance, but uses only its class.
        node = node_class.__new__(node_class)
        sheet = SharedStylesheet(variables=variables)
        for read_from, css, tie_breaker, scope in node._get_default_css():
            sheet.add_source(css, read_from=read_from, is_default_css=True,
                             tie_breaker=tie_breaker, scope=scope)
        sheets.append(sheet)
    parsed = 0
    for sheet in sheets:
        try:
            sheet.parse()
        except Exception:  # noqa: BLE001, S112 - the app reports it if it ever uses it
            continue
        parsed += len(sheet.source)
    return parsed


def loaded_node_classes() -> list[type[DOMNode]]:
    """Every widget, screen and app class imported so far."""
    found: list[type[DOMNode]] = []
    todo: list[type[DOMNode]] = [DOMNode]
    while todo:
        subclasses = todo.pop().__subclasses__()
        found += subclasses
        todo += subclasses
    return found

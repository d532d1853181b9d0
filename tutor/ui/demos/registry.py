"""Demo name -> widget class, found by the name a slide's `demo:` line uses.

A demo module registers its widget with `@register("lr-race")`. Modules are
imported only when a slide needs them: `lr-race` is looked for first in
`tutor/ui/demos/lr_race.py`, then in every module of the package (for a
module that holds a small family of demos). So adding a demo never touches
a shared list, and the first screen imports none of them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TypeVar

from tutor.content.demos import DEMOS
from tutor.content.model import Demo
from tutor.ui.demos.base import DemoWidget, Placeholder
from tutor.viz.display import Display

W = TypeVar("W", bound=type[DemoWidget])

_WIDGETS: dict[str, type[DemoWidget]] = {}
_SCANNED: set[str] = set()
"""Holds the package name once every demo module has been imported."""


def register(name: str) -> Callable[[W], W]:
    """Class decorator: the widget of demo `name` (a name `tutor.content.demos` knows)."""
    if name not in DEMOS:
        raise ValueError(f"unknown demo '{name}': add its spec to tutor/content/demos.py")

    def decorate(cls: W) -> W:
        other = _WIDGETS.get(name)
        if other is not None and other is not cls:
            raise ValueError(f"demo '{name}' registered twice ({other.__name__}, {cls.__name__})")
        _WIDGETS[name] = cls
        return cls

    return decorate


def _scan() -> None:
    if _SCANNED:
        return
    _SCANNED.add(__package__ or "")
    for module in pkgutil.iter_modules(_package_path()):
        if module.name not in ("base", "registry", "status"):
            importlib.import_module(f"{__package__}.{module.name}")


def _package_path() -> list[str]:
    package = importlib.import_module(__package__ or "tutor.ui.demos")
    return list(package.__path__)


def widget_class(name: str) -> type[DemoWidget] | None:
    """The widget of demo `name`, or None if this version has none."""
    if name in _WIDGETS:
        return _WIDGETS[name]
    try:
        importlib.import_module(f"{__package__}.{name.replace('-', '_')}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.{name.replace('-', '_')}":
            raise
    if name not in _WIDGETS:
        _scan()
    return _WIDGETS.get(name)


def is_built(name: str) -> bool:
    return widget_class(name) is not None


def make_demo(demo: Demo, graphics: Display | None = None) -> DemoWidget:
    """The widget for a slide's demo: its own class, or a placeholder saying
    what the demo will show."""
    cls = widget_class(demo.name) or Placeholder
    return cls(demo, graphics)

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tutor.options import AppOptions

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL_CONTENT = ROOT / "content"


@pytest.fixture
def good_content(tmp_path: Path) -> Path:
    """A writable copy of the small, valid test library (decks alpha and beta)."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "good", target)
    return target


@pytest.fixture
def options_for(tmp_path: Path) -> Callable[..., AppOptions]:
    """Options for an app with its own state directory and a fixed quiz seed."""
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)

    def build(content: Path = REAL_CONTENT, **overrides: object) -> AppOptions:
        fields: dict[str, object] = {"content_dir": content, "state_dir": state, "seed": 7,
                                     "participant": "tester", "warm_up": False}
        fields.update(overrides)
        return AppOptions(**fields)  # type: ignore[arg-type]

    return build

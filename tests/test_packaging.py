"""The wheel carries the decks; the logic layers never import the UI."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REAL_CONTENT, ROOT


@pytest.mark.slow
def test_wheel_contains_every_deck(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(tmp_path), str(ROOT)], check=True)
    [wheel] = tmp_path.glob("dltutor-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for deck in REAL_CONTENT.iterdir():
        if (deck / "deck.toml").is_file():
            for path in deck.rglob("*"):
                if path.is_file():
                    assert f"tutor/_content/{path.relative_to(REAL_CONTENT)}" in names
    assert "tutor/ui/app.tcss" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def _modules_after_import(*modules: str) -> set[str]:
    code = ("import json, sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    return set(json.loads(result.stdout))


def test_content_quiz_and_progress_do_not_import_textual_or_numba() -> None:
    loaded = _modules_after_import("tutor.content", "tutor.quiz", "tutor.progress",
                                   "tutor.viz.cards", "tutor.cli")
    assert "textual" not in loaded
    assert "numba" not in loaded


def test_engine_package_does_not_import_textual() -> None:
    loaded = _modules_after_import("tutor.nn", "tutor.nn.datasets")
    assert "textual" not in loaded and "numba" not in loaded


def test_the_first_screen_imports_no_numerics() -> None:
    """Start-up cost on a shared server: the library must not pull in numpy or numba."""
    loaded = _modules_after_import("tutor.cli", "tutor.ui.app", "tutor.ui.screens.library",
                                   "tutor.ui.screens.deck", "tutor.ui.screens.quiz")
    assert not {"numpy", "numba", "scipy"} & loaded

"""Lessons are logic: importing every one of them loads no Textual."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import tutor.lessons

ROOT = Path(__file__).resolve().parents[2]


def test_lessons_do_not_import_textual() -> None:
    names = [f"tutor.lessons.{m.name}" for m in pkgutil.iter_modules(tutor.lessons.__path__)]
    assert "tutor.lessons.lr_race" in names
    code = ("import json, sys\n" + "".join(f"import {name}\n" for name in names)
            + "print(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert "textual" not in set(json.loads(result.stdout))


def test_opening_a_training_demo_leaves_the_engine_unloaded() -> None:
    """A lesson builds its runs without importing numba: models are imported
    by their factories, in the trainer's thread, never on the UI thread."""
    code = ("import sys\n"
            "from tutor.lessons import simple_vs_deep as s, step_training as t\n"
            "s.runs(s.Settings(), s.dataset(s.Settings()))\n"
            "t.run(t.Settings(), t.dataset(t.Settings()))\n"
            "print('numba' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert result.stdout.strip() == "False"

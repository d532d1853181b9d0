"""Opening a demo of the second half never loads the engine on the UI thread:
its lesson and widget modules import without numba."""

from __future__ import annotations

import subprocess
import sys

import pytest

MODULES = ["convolution", "memory_over_time", "attention_map", "matmul", "transfer"]


@pytest.mark.parametrize("name", MODULES)
def test_lesson_and_widget_import_without_numba(name):
    code = (f"import sys, tutor.lessons.{name}, tutor.ui.demos.{name}; "
            "print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False", out.stderr

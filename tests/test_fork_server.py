"""The fork server rehearses every first screen before it forks anyone, and
forks with one thread only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

REHEARSE = """
import os, sys, tempfile, threading
from pathlib import Path
from tutor.ui.styles import SharedStylesheet
from tutor.workshop.zygote import _rehearse
before = set(os.listdir(tempfile.gettempdir()))
_rehearse(Path(sys.argv[1]))
left = [n for n in set(os.listdir(tempfile.gettempdir())) - before if "rehearsal" in n]
print(threading.active_count(), len(SharedStylesheet._parsed) > 0, left)
"""


def test_the_rehearsal_leaves_one_thread_and_no_folder(good_content: Path,
                                                       tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", REHEARSE, str(good_content)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                               "TMPDIR": str(tmp_path), "TERM": "xterm-256color"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "1 True []", done.stdout

"""A damaged kernel cache file is compiled again, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KERNEL = '''
from tutor.nn.jit import kernel

@kernel
def add_one(x):
    return x + 1

print("result", add_one(41))
'''


def _run(module_dir: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache),
           "PYTHONPATH": os.pathsep.join([str(module_dir), *sys.path])}
    return subprocess.run([sys.executable, "-c", "import tiny_kernel"], env=env,
                          capture_output=True, text=True, check=False, timeout=600)


def test_damaged_cache_files_are_recompiled(tmp_path: Path) -> None:
    (tmp_path / "tiny_kernel.py").write_text(KERNEL)
    cache = tmp_path / "cache"
    first = _run(tmp_path, cache)
    assert "result 42" in first.stdout, first.stderr
    cached = [p for p in cache.rglob("*") if p.suffix in (".nbi", ".nbc")]
    assert {p.suffix for p in cached} == {".nbi", ".nbc"}
    for path in cached:
        path.write_bytes(b"\x80\x04garbage" + path.read_bytes()[:7])
    second = _run(tmp_path, cache)
    assert "result 42" in second.stdout and "Traceback" not in second.stderr, second.stderr
    index = next(p for p in cache.rglob("*.nbi"))
    assert not index.read_bytes().startswith(b"\x80\x04garbage")  # rewritten whole

"""Where compiled kernels are cached, and which groups are there already,
found without importing numba (the app asks before it starts a warm-up).

The folder is keyed by a hash of every engine source file: numba checks a
cached kernel against its own file's time stamp only, not against the
files of the kernels it calls and inlines, so after an edit or an upgrade it
would happily load stale machine code. Keying the folder by all engine
sources makes any change start a fresh cache (and forget its markers).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from tutor.locations import kernel_cache_dir

MARKER_PREFIX = "ready-"


@cache
def sources_digest() -> str:
    """A short hash of every engine source file and of where they are
    installed: numba keys its cache entries by each source file's path, so
    two installs of the same version (a venv and a checkout) have different
    kernels cached, and each needs its own markers."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    digest.update(str(root).encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def engine_cache_dir() -> Path:
    """numba's cache folder for this engine (NUMBA_CACHE_DIR wins if set)."""
    chosen = os.environ.get("NUMBA_CACHE_DIR")
    return Path(chosen) if chosen else kernel_cache_dir() / f"src-{sources_digest()}"


def mark_cached(group: str) -> None:
    """Note that every kernel of `group` is in the disk cache (best effort)."""
    folder = engine_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{MARKER_PREFIX}{group}").touch()
    except OSError:
        pass  # a read-only cache: the next start warms up again, nothing worse


def not_cached(groups: Iterable[str]) -> tuple[str, ...]:
    """The groups whose kernels were never all compiled into this cache."""
    folder = engine_cache_dir()
    return tuple(g for g in dict.fromkeys(groups)
                 if not (folder / f"{MARKER_PREFIX}{g}").exists())

"""A library loaded ahead of time, used for as long as its files are unchanged.

The workshop's fork server loads the decks once, before anyone connects;
every session forked from it then checks with one `stat` per file that
nothing under the content folder changed since, instead of reading and
checking every deck again. A deck edited during a workshop is seen by the
next session to start: any change and the library is loaded afresh.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the loader is imported when a library is loaded, not before
    from tutor.content.loader import Library

Fingerprint = tuple[tuple[str, int, int, int, int], ...]

_preloaded: dict[Path, tuple[Fingerprint, Library]] = {}


def fingerprint(root: Path) -> Fingerprint:
    """Name, modification and change times, size and inode of everything under `root`."""
    entries = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(dirs + files):
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:  # a dangling link: the loader reports it; its name is enough here
                entries.append((path, -1, -1, -1, -1))
                continue
            entries.append((path, st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino))
    return tuple(entries)


def preload(root: Path) -> None:
    """Load the decks under `root` now, for `load` to hand out later. A single
    deck folder is not kept (its checks read the folders beside it)."""
    from tutor.content.loader import deck_folders, load_library

    root = Path(root)
    if not root.is_dir() or deck_folders(root) == [root]:
        return
    before = fingerprint(root)
    library = load_library(root)
    if fingerprint(root) == before:  # not edited while it was read
        _preloaded[root] = before, library


def is_preloaded(root: Path) -> bool:
    """Whether a library was preloaded from `root` (`load` checks it is current)."""
    return Path(root) in _preloaded


def load(root: Path) -> Library:
    """`load_library(root)`: the preloaded library if no file under `root` changed."""
    from tutor.content.loader import load_library

    root = Path(root)
    kept = _preloaded.get(root)
    if kept is not None and kept[0] == fingerprint(root):
        return kept[1]
    return load_library(root)

"""Where dltutor keeps things: bundled decks, saved state, compiled kernels.

One small module so that every path decision is made (and overridden) in
one place. Nothing here imports numpy, numba or Textual.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import platformdirs

APP_NAME = "dltutor"

STATE_DIR_ENV = "DLTUTOR_STATE_DIR"
"""Environment variable that overrides the directory of saved progress."""

CONTENT_DIR_ENV = "DLTUTOR_CONTENT_DIR"
"""Environment variable that points dltutor at another folder of decks."""

CACHE_DIR_ENV = "DLTUTOR_CACHE_DIR"
"""Environment variable that overrides where compiled kernels are cached."""

ROOM_LINK_ENV = "DLTUTOR_ROOM_LINK"
"""Set by `dltutor serve` alone (a session's environment is an allow-list it
builds): the file descriptor of the session's link to the server, which
writes the room database; progress then goes there instead of the file."""

_PACKAGE_DIR = Path(__file__).resolve().parent


def content_dir() -> Path:
    """The folder of decks: the override, the copy inside the wheel, or the
    checkout's `content/` when running from source."""
    override = os.environ.get(CONTENT_DIR_ENV)
    if override:
        return Path(override).expanduser()
    bundled = _PACKAGE_DIR / "_content"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent / "content"


def room_link() -> int | None:
    """The workshop server's link handed to this session, if any (taken once:
    it is not passed on to anything this process starts)."""
    value = os.environ.pop(ROOM_LINK_ENV, "")
    return int(value) if value.isdigit() else None


def state_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The folder that holds saved progress (created private if missing)."""
    chosen = explicit or os.environ.get(STATE_DIR_ENV)
    path = Path(chosen).expanduser() if chosen else Path(platformdirs.user_state_dir(APP_NAME))
    make_private_dirs(path)
    return path


class UnsafeDirectory(OSError):
    """A folder whose contents other users could replace; the message says how to fix it."""


def make_private_dirs(path: Path) -> None:
    """Create `path` and any missing parents, each readable by the user only.

    A folder that already exists keeps its permissions.
    """
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # made meanwhile by another session
            pass


def check_private(path: Path) -> None:
    """Raise UnsafeDirectory unless only the user (or root) can change what `path` holds.

    numba's cache files are pickles: loading them runs code. So the folder and
    every parent up to the first one the user owns must be closed to others:
    owned by the user or root, and not writable by group or others, except
    for a sticky parent such as /tmp (others cannot rename what is ours in it).
    """
    uid = os.getuid()
    real = Path(os.path.realpath(path))
    for index, folder in enumerate((real, *real.parents)):
        info = folder.stat()
        open_to_others = info.st_mode & 0o022 and not (index and info.st_mode & stat.S_ISVTX)
        if info.st_uid not in (uid, 0):
            raise UnsafeDirectory(
                f"{folder} belongs to another user, who could plant code in the kernel cache "
                f"{path}; set {CACHE_DIR_ENV} to a folder of your own")
        if open_to_others:
            raise UnsafeDirectory(
                f"other users can write to {folder}, so they could plant code in the kernel "
                f"cache {path}; fix it with 'chmod go-w {folder}' or set {CACHE_DIR_ENV} to a "
                "private folder")
        if index and info.st_uid == uid:  # a parent of ours: nobody else can swap below it
            return


def private_cache(path: Path) -> Path:
    """`path`, created private if missing, after `check_private` accepted it."""
    make_private_dirs(path)
    check_private(path)
    return path


def _writable(path: Path) -> bool:
    try:
        make_private_dirs(path)
        probe = path / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


def _private(path: Path) -> bool:
    """A folder only we own and only we can write to.

    In a shared temporary directory another user could create our folder
    first and plant files there, so such a folder is used only if it is ours
    alone.
    """
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def kernel_cache_dir() -> Path:
    """A writable folder for numba's compiled-kernel cache that only the user controls.

    The user cache directory first (an installed package directory is often
    read-only on a shared server), then a private temporary folder, so the
    engine always has somewhere to cache and never fails for lack of one.
    A folder others could write is refused (UnsafeDirectory), never used.
    """
    override = os.environ.get(CACHE_DIR_ENV)
    candidates = [Path(override).expanduser()] if override else []
    candidates.append(Path(platformdirs.user_cache_dir(APP_NAME)) / "numba")
    for candidate in candidates:
        if _writable(candidate):
            check_private(candidate)
            return candidate
    shared_tmp = Path(tempfile.gettempdir()) / f"{APP_NAME}-{os.getuid()}"
    if _private(shared_tmp) and _writable(shared_tmp / "numba"):
        return shared_tmp / "numba"
    return Path(tempfile.mkdtemp(prefix=f"{APP_NAME}-numba-"))

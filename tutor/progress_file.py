"""The progress file on disk: opened safely, checked, set aside when damaged.

Everything here that changes the file happens under an advisory lock
(`progress.sqlite3.lock`), so that many sessions starting at once on one
workshop server neither race to create the schema ("database is locked")
nor set the same damaged file aside twice. The state directory may be one
others can write: no path here is followed through a symbolic link, and
every file is created readable by the user only (it holds everyone's
answers). A workshop's room database is opened and checked here by the
server alone, once at start (`open_file(..., set_aside_damaged=False)`);
its sessions only read it (`connect_readonly`). No Textual here.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

FILE_NAME = "progress.sqlite3"
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen (
    participant TEXT NOT NULL, deck TEXT NOT NULL, slide TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (participant, deck, slide));
CREATE TABLE IF NOT EXISTS position (
    participant TEXT NOT NULL, deck TEXT NOT NULL, slide TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (participant, deck));
CREATE TABLE IF NOT EXISTS attempt (
    id INTEGER PRIMARY KEY AUTOINCREMENT, participant TEXT NOT NULL, deck TEXT NOT NULL,
    questions TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,
    right INTEGER, total INTEGER NOT NULL, token TEXT);
CREATE TABLE IF NOT EXISTS answer (
    attempt INTEGER NOT NULL REFERENCES attempt(id), question TEXT NOT NULL,
    choice INTEGER NOT NULL, correct INTEGER NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (attempt, question));
CREATE INDEX IF NOT EXISTS attempt_by_deck ON attempt (participant, deck);
CREATE UNIQUE INDEX IF NOT EXISTS attempt_by_token ON attempt (participant, token);
"""

# Added after format 1 shipped, without a new format number: older versions
# read and write the file as before (their attempts have no token).
_UPGRADE = """
ALTER TABLE attempt ADD COLUMN token TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS attempt_by_token ON attempt (participant, token);
"""

# Columns each table must have; a file from elsewhere with other tables is
# set aside rather than crashing later on a missing column.
_COLUMNS = {
    "meta": {"key", "value"},
    "seen": {"participant", "deck", "slide", "at"},
    "position": {"participant", "deck", "slide", "at"},
    "attempt": {"id", "participant", "deck", "questions", "started", "finished", "right",
                "total"},
    "answer": {"attempt", "question", "choice", "correct", "at"},
}

# What SQLite says when the bytes are not a usable database (as opposed to a
# file it may not write to, or a lock held by another session).
_CORRUPT_WORDS = ("not a database", "malformed", "corrupt", "no such column", "no such table")
_SIDECARS = ("-wal", "-shm", "-journal")

LOCK_WAIT_S = 10.0
"""How long a session waits for another one to finish opening the file."""
BUSY_TIMEOUT_S = 5.0
"""How long opening waits on a lock held inside SQLite (by any program)."""


class CorruptState(Exception):
    """The file is not a progress store this version can use; set it aside."""


class StateUnavailable(OSError):
    """The file is fine but cannot be used now (permissions, a lock, a link): keep it."""


class NewerState(StateUnavailable):
    """The file was written by a newer dltutor: leave it alone, do not set it aside."""


@contextlib.contextmanager
def directory_lock(state_dir: Path) -> Iterator[None]:
    """Hold the state directory's advisory lock (one opener at a time)."""
    path = Path(state_dir) / f"{FILE_NAME}.lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise StateUnavailable(f"cannot lock saved progress at {path}: {exc}") from exc
    try:
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StateUnavailable(
                        f"another dltutor has held {path} for {LOCK_WAIT_S:g} s") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # releases the lock


def _refuse_links(path: Path) -> None:
    for candidate in (path, *(Path(f"{path}{s}") for s in _SIDECARS)):
        if candidate.is_symlink():
            raise StateUnavailable(
                f"{candidate} is a symbolic link; dltutor does not follow links in its state "
                "directory (another user may have planted it): remove it")


def connect(path: Path, timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """A connection to `path`, created 0600 if missing, never through a symbolic link."""
    _refuse_links(path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            _refuse_links(path)
        raise StateUnavailable(f"cannot open saved progress at {path}: {exc}") from exc
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=timeout,
                             check_same_thread=False)
        # SQLite opens by name: make sure it is still the file we created or checked.
        if not os.path.samestat(os.fstat(fd), os.lstat(path)):
            db.close()
            raise StateUnavailable(f"{path} was replaced while dltutor opened it")
    finally:
        os.close(fd)
    return db


def _schema_version(db: sqlite3.Connection) -> str | None:
    """The format the file says it has, if it has dltutor's meta table."""
    if not _COLUMNS["meta"] <= {row[1] for row in db.execute("PRAGMA table_info(meta)")}:
        return None
    row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    return None if row is None else str(row[0])


def _check(db: sqlite3.Connection, path: Path) -> bool:
    """Raise CorruptState / NewerState if the file cannot be used; True if it has our schema."""
    if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
        raise CorruptState(f"{path} failed its integrity check")
    # The format first: a newer one may have changed the tables, and must be
    # left alone rather than mistaken for a damaged file and set aside.
    version = _schema_version(db)
    if version is not None and not (version.isdigit() and int(version) <= SCHEMA_VERSION):
        raise NewerState(
            f"saved progress in {path} was written by a newer dltutor (format {version}; this "
            f"one reads up to {SCHEMA_VERSION}). Upgrade dltutor, or use --state-dir to keep "
            "separate progress; the file was left as it is.")
    found_any = False
    for table, wanted in _COLUMNS.items():
        found = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if found and not wanted <= found:
            raise CorruptState(f"{path}: table {table} is not dltutor's")
        found_any = found_any or bool(found)
    return found_any and version is not None and all(
        db.execute(f"PRAGMA table_info({t})").fetchone() for t in _COLUMNS)


def connect_readonly(path: Path, timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """A connection that can only read `path` (never creates, writes nor checkpoints it)."""
    _refuse_links(path)
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=timeout,
                           check_same_thread=False)


def _open_checked(path: Path) -> sqlite3.Connection:
    db = connect(path)
    try:
        if not _check(db, path):
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            db.executescript(SCHEMA)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)",
                       (str(SCHEMA_VERSION),))
        elif not any(row[1] == "token" for row in db.execute("PRAGMA table_info(attempt)")):
            db.executescript(f"BEGIN IMMEDIATE; {_UPGRADE} COMMIT;")
        return db
    except (CorruptState, StateUnavailable):
        db.close()
        raise
    except sqlite3.DatabaseError as exc:
        db.close()
        if any(words in str(exc) for words in _CORRUPT_WORDS):
            raise CorruptState(f"{path}: {exc}") from exc
        raise StateUnavailable(f"cannot use saved progress at {path}: {exc}") from exc


def set_aside(path: Path) -> Path:
    """Move a damaged file (and its sidecars) to a name no other session will pick."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}-{os.getpid()}-{os.urandom(3).hex()}")
    os.rename(path, aside)
    for suffix in _SIDECARS:
        with contextlib.suppress(FileNotFoundError):
            os.rename(f"{path}{suffix}", f"{aside}{suffix}")
    return aside


def open_file(state_dir: Path, set_aside_damaged: bool = True
              ) -> tuple[sqlite3.Connection, str | None]:
    """The checked progress file of `state_dir`, with a notice if a damaged one was set aside.

    Raises NewerState (leave the file alone) or StateUnavailable (keep it, try later);
    CorruptState instead of setting a damaged file aside, without `set_aside_damaged`.
    """
    path = Path(state_dir) / FILE_NAME
    with directory_lock(Path(state_dir)):
        try:
            return _open_checked(path), None
        except CorruptState:
            if not set_aside_damaged:
                raise
            aside = set_aside(path)
        notice = (f"Saved progress was unreadable by this version: kept as {aside.name}; "
                  "starting afresh.")
        return _open_checked(path), notice

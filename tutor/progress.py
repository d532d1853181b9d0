"""Saved progress: slides seen, where each deck was left, every quiz answer.

One SQLite file per state directory; every row carries a participant key so
that one workshop server can keep a whole room in one file. Each write is
its own transaction, so an answer already given survives Ctrl-C, a killed
process or a dropped SSH connection. No Textual here.
"""

from __future__ import annotations

import getpass
import shutil
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

FILE_NAME = "progress.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
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
    right INTEGER, total INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS answer (
    attempt INTEGER NOT NULL REFERENCES attempt(id), question TEXT NOT NULL,
    choice INTEGER NOT NULL, correct INTEGER NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (attempt, question));
CREATE INDEX IF NOT EXISTS attempt_by_deck ON attempt (participant, deck);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_participant() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "learner"


@dataclass(frozen=True)
class AnswerRecord:
    question: str
    choice: int
    """Index of the picked choice as written in the bank (0-based)."""
    correct: bool
    at: str


@dataclass(frozen=True)
class Attempt:
    id: int
    deck: str
    questions: tuple[str, ...]
    started: str
    finished: str | None
    right: int | None
    total: int
    answers: tuple[AnswerRecord, ...]


class CorruptState(Exception):
    """The file is not a progress store this version can use; set it aside."""


class StateUnavailable(OSError):
    """The file is fine but cannot be used now (permissions, a lock): keep it."""


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


class ProgressStore:
    """Progress of one participant in one SQLite file."""

    BUSY_TIMEOUT_S = 5.0
    """How long to wait for another session's write before giving up."""

    def __init__(self, path: Path, participant: str | None = None) -> None:
        self.path = Path(path)
        self.participant = participant or default_participant()
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None,
                                       timeout=self.BUSY_TIMEOUT_S)
            if self._db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise CorruptState(f"{self.path} failed its integrity check")
            self._check_layout()
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.executescript(_SCHEMA)
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)",
                             (str(SCHEMA_VERSION),))
        except CorruptState:
            self.close()
            raise
        except sqlite3.DatabaseError as exc:
            self.close()
            if any(words in str(exc) for words in _CORRUPT_WORDS):
                raise CorruptState(f"{self.path}: {exc}") from exc
            raise StateUnavailable(f"cannot use saved progress at {self.path}: {exc}") from exc

    def _check_layout(self) -> None:
        """Tables that exist must have our columns, and the schema must not be newer."""
        for table, wanted in _COLUMNS.items():
            found = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if found and not wanted <= found:
                raise CorruptState(f"{self.path}: table {table} is not dltutor's")
        if "value" in {row[1] for row in self._db.execute("PRAGMA table_info(meta)")}:
            row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row and not (row[0].isdigit() and int(row[0]) <= SCHEMA_VERSION):
                raise CorruptState(f"{self.path}: written by a newer dltutor ({row[0]})")

    @classmethod
    def open(cls, state_dir: Path, participant: str | None = None
             ) -> tuple[ProgressStore, str | None]:
        """Open the store in `state_dir`; a corrupt file is moved aside.

        Returns the store and a one-line notice when something was set aside.
        """
        path = Path(state_dir) / FILE_NAME
        try:
            return cls(path, participant), None
        except CorruptState:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            aside = path.with_name(f"{path.name}.corrupt-{stamp}")
            shutil.move(path, aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            notice = (f"Saved progress was unreadable by this version: kept as "
                      f"{aside.name}; starting afresh.")
            return cls(path, participant), notice

    def close(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
            self._db = None  # type: ignore[assignment]

    # -- slides -----------------------------------------------------------

    def visit(self, deck: str, slide: str, resume: bool = True) -> None:
        """The learner is on `slide`: remember it as seen and (with `resume`)
        as the place to continue from."""
        at = _now()
        self._db.execute("BEGIN")
        try:
            self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?)",
                             (self.participant, deck, slide, at))
            if resume:
                self._db.execute("INSERT OR REPLACE INTO position VALUES (?, ?, ?, ?)",
                                 (self.participant, deck, slide, at))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def last_slide(self, deck: str) -> str | None:
        row = self._db.execute("SELECT slide FROM position WHERE participant=? AND deck=?",
                               (self.participant, deck)).fetchone()
        return row[0] if row else None

    def recent_position(self) -> tuple[str, str] | None:
        """(deck, slide) the participant visited last, in any deck."""
        row = self._db.execute("SELECT deck, slide FROM position WHERE participant=? "
                               "ORDER BY at DESC, rowid DESC LIMIT 1",
                               (self.participant,)).fetchone()
        return (row[0], row[1]) if row else None

    def seen(self, deck: str) -> set[str]:
        rows = self._db.execute("SELECT slide FROM seen WHERE participant=? AND deck=?",
                                (self.participant, deck))
        return {r[0] for r in rows}

    # -- quiz -------------------------------------------------------------

    def start_attempt(self, deck: str, questions: Iterable[str]) -> int:
        ids = tuple(questions)
        cur = self._db.execute(
            "INSERT INTO attempt (participant, deck, questions, started, total) "
            "VALUES (?, ?, ?, ?, ?)", (self.participant, deck, ",".join(ids), _now(), len(ids)))
        return int(cur.lastrowid or 0)

    def record_answer(self, attempt: int, question: str, choice: int, correct: bool) -> None:
        self._db.execute("INSERT OR REPLACE INTO answer VALUES (?, ?, ?, ?, ?)",
                         (attempt, question, choice, int(correct), _now()))

    def finish_attempt(self, attempt: int) -> None:
        right = self._db.execute("SELECT COALESCE(SUM(correct), 0) FROM answer WHERE attempt=?",
                                 (attempt,)).fetchone()[0]
        self._db.execute("UPDATE attempt SET finished=?, right=? WHERE id=?",
                         (_now(), right, attempt))

    def attempts(self, deck: str) -> list[Attempt]:
        rows = self._db.execute(
            "SELECT id, deck, questions, started, finished, right, total FROM attempt "
            "WHERE participant=? AND deck=? ORDER BY id", (self.participant, deck)).fetchall()
        result = []
        for aid, deck_id, questions, started, finished, right, total in rows:
            answers = tuple(
                AnswerRecord(q, c, bool(ok), at) for q, c, ok, at in self._db.execute(
                    "SELECT question, choice, correct, at FROM answer WHERE attempt=? "
                    "ORDER BY rowid", (aid,)))
            result.append(Attempt(aid, deck_id, tuple(filter(None, questions.split(","))),
                                  started, finished, right, total, answers))
        return result

    def asked_counts(self, deck: str) -> dict[str, int]:
        """How often each question of the deck has been answered by this participant."""
        rows = self._db.execute(
            "SELECT answer.question, COUNT(*) FROM answer JOIN attempt ON attempt.id = "
            "answer.attempt WHERE attempt.participant=? AND attempt.deck=? "
            "GROUP BY answer.question", (self.participant, deck))
        return {question: count for question, count in rows}

    def best_score(self, deck: str) -> tuple[int, int] | None:
        """Best finished (right, total) for the deck, if any."""
        row = self._db.execute(
            "SELECT right, total FROM attempt WHERE participant=? AND deck=? AND finished "
            "IS NOT NULL ORDER BY CAST(right AS REAL) / total DESC, right DESC LIMIT 1",
            (self.participant, deck)).fetchone()
        return (row[0], row[1]) if row else None

"""Saved progress: slides seen, where each deck was left, every quiz answer.

One SQLite file per state directory (`tutor.progress_file` opens it safely);
every row carries a participant key so that one workshop server can keep a
whole room in one file, with one dltutor process per session.

How a write travels, so that the UI never waits on SQLite:

- `ProgressStore` reads the participant's rows once, at open, into memory.
  Every read after that (`seen`, `last_slide`, `best_score`...) is answered
  from memory, and every write updates memory at once, so the screen shows
  an answer the moment it is given.
- The write itself is queued for the store's one writer thread, which has
  its own connection. It commits what is queued in one transaction (a
  short busy timeout, so a lock held by another session only delays it).
- A write that fails (another program holds the lock, the disk is full) is
  kept at the head of the queue and retried with a growing pause; nothing is
  dropped. `pending` and `problem` say what is waiting and why, so the UI
  can tell the learner.
- `close()` gives the writer a few seconds to finish; what still could not
  be written goes to a `progress.sqlite3.pending-*` journal (0600) that the
  next session to open the file replays.
- A quiz attempt gets its row id when the writer inserts it; until then the
  store hands out its own id, mapped to the row id by the writer.

`flush()` waits for the queue to drain (tests, `serve` before it reports).
No Textual here.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import secrets
import sqlite3
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tutor.progress_file import (
    FILE_NAME,
    SCHEMA_VERSION,
    CorruptState,
    NewerState,
    StateUnavailable,
    connect,
    directory_lock,
    open_file,
)

__all__ = [
    "FILE_NAME", "SCHEMA_VERSION", "AnswerRecord", "Attempt", "CorruptState", "NewerState",
    "ProgressStore", "StateUnavailable", "clean_name", "default_participant",
]

_PENDING = f"{FILE_NAME}.pending-"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def clean_name(name: str) -> str:
    """A name as valid UTF-8 text: bytes that were not UTF-8 (kept by Python as
    surrogates, e.g. from `USER` or argv) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def default_participant() -> str:
    try:
        return clean_name(getpass.getuser())
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


@dataclass
class _AttemptRow:
    """An attempt as kept in memory (mutable; `Attempt` is what callers see)."""

    deck: str
    questions: tuple[str, ...]
    started: str
    finished: str | None = None
    right: int | None = None
    answers: dict[str, AnswerRecord] = field(default_factory=dict)


Op = tuple[Any, ...]
"""One queued write: ("visit"|"start"|"answer"|"finish", ...) with plain values."""


def _apply(db: sqlite3.Connection, who: str, row_ids: dict[int, int], op: Op,
           new_ids: dict[int, int]) -> None:
    """Write one queued change; `new_ids` collects the row ids of attempts it inserts."""
    kind, *args = op
    if kind == "visit":
        deck, slide, resume, at = args
        db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?)", (who, deck, slide, at))
        if resume:
            db.execute("INSERT OR REPLACE INTO position VALUES (?, ?, ?, ?)",
                       (who, deck, slide, at))
    elif kind == "start":
        local, deck, questions, started, total = args
        cur = db.execute("INSERT INTO attempt (participant, deck, questions, started, total)"
                         " VALUES (?, ?, ?, ?, ?)", (who, deck, questions, started, total))
        new_ids[local] = int(cur.lastrowid or 0)
    elif kind == "answer":
        local, question, choice, correct, at = args
        row = new_ids.get(local, row_ids.get(local))
        db.execute("INSERT OR REPLACE INTO answer VALUES (?, ?, ?, ?, ?)",
                   (row, question, choice, int(correct), at))
    elif kind == "finish":
        local, finished, right = args
        row = new_ids.get(local, row_ids.get(local))
        db.execute("UPDATE attempt SET finished=?, right=? WHERE id=?", (finished, right, row))


def _write_batch(db: sqlite3.Connection, who: str, row_ids: dict[int, int],
                 batch: Iterable[Op]) -> None:
    """All of `batch` in one transaction, or none of it; `row_ids` learns new attempts."""
    new_ids: dict[int, int] = {}
    db.execute("BEGIN IMMEDIATE")
    try:
        for op in batch:
            _apply(db, who, row_ids, op, new_ids)
        db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
    row_ids.update(new_ids)


class _Writer:
    """The one thread that writes a store's queued changes; never drops one."""

    BUSY_S = 0.5
    RETRY_S = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0)

    def __init__(self, path: Path, participant: str, known: dict[int, int]) -> None:
        self.path = path
        self.participant = participant
        self.row_ids = dict(known)  # the store's attempt id -> row id in the file
        self.queue: deque[Op] = deque()
        self.problem: str | None = None
        self._wake = threading.Condition()
        self._closing = False
        self._idle = threading.Event()
        self._idle.set()
        self._db: sqlite3.Connection | None = None
        self._thread = threading.Thread(target=self._run, name="dltutor-progress", daemon=True)
        self._thread.start()

    def put(self, op: Op) -> None:
        with self._wake:
            self.queue.append(op)
            self._idle.clear()
            self._wake.notify()

    def _run(self) -> None:
        failures = 0
        while True:
            with self._wake:
                while not self.queue and not self._closing:
                    self._wake.wait()
                if not self.queue:
                    break
                batch = list(self.queue)
            try:
                self._write(batch)
            except (sqlite3.Error, OSError) as exc:
                self.problem = str(exc)
                pause = self.RETRY_S[min(failures, len(self.RETRY_S) - 1)]
                failures += 1
                with self._wake:
                    if self._closing and self._give_up:
                        break
                    self._wake.wait(pause)
                continue
            failures, self.problem = 0, None
            with self._wake:
                for _ in batch:
                    self.queue.popleft()
                if not self.queue:
                    self._idle.set()
        if self._db is not None:
            self._db.close()

    _give_up = False

    def _write(self, batch: list[Op]) -> None:
        if self._db is None:
            self._db = connect(self.path, timeout=self.BUSY_S)
        _write_batch(self._db, self.participant, self.row_ids, batch)

    def flush(self, timeout: float | None) -> bool:
        return self._idle.wait(timeout)

    def close(self, timeout: float) -> list[Op]:
        """Stop after trying for `timeout` seconds; returns what could not be written."""
        self.flush(timeout)
        with self._wake:
            self._closing = True
            self._give_up = True
            self._wake.notify()
        self._thread.join(timeout)
        with self._wake:
            return list(self.queue)


class ProgressStore:
    """Progress of one participant in one SQLite file (see the module docstring)."""

    BUSY_TIMEOUT_S = 5.0
    """How long opening waits for a lock held inside SQLite by another program."""
    CLOSE_WAIT_S = 3.0
    """How long `close()` lets queued writes finish before journaling them."""

    def __init__(self, path: Path, participant: str | None = None,
                 _db: sqlite3.Connection | None = None) -> None:
        self.path = Path(path)
        self.participant = clean_name(participant) if participant else default_participant()
        db = _db if _db is not None else open_file(self.path.parent)[0]
        try:
            self._load(db)
        finally:
            db.close()
        self._writer: _Writer | None = _Writer(self.path, self.participant,
                                               {i: i for i in self._attempts})

    @classmethod
    def open(cls, state_dir: Path, participant: str | None = None
             ) -> tuple[ProgressStore, str | None]:
        """Open the store in `state_dir`; a damaged file is set aside (once, under a lock).

        Returns the store and a one-line notice when something was set aside.
        Raises NewerState or StateUnavailable (the file is kept as it is).
        """
        state_dir = Path(state_dir)
        db, notice = open_file(state_dir)
        try:
            _replay_journals(state_dir, db)
        except (sqlite3.Error, OSError, ValueError):
            pass  # kept on disk; the next session tries again
        return cls(state_dir / FILE_NAME, participant, _db=db), notice

    def _load(self, db: sqlite3.Connection) -> None:
        who = (self.participant,)
        self._seen: dict[str, set[str]] = {}
        for deck, slide in db.execute("SELECT deck, slide FROM seen WHERE participant=?", who):
            self._seen.setdefault(deck, set()).add(slide)
        # Insertion order is recency order: the last key is the latest position.
        self._position: dict[str, str] = {
            deck: slide for deck, slide in db.execute(
                "SELECT deck, slide FROM position WHERE participant=? ORDER BY at, rowid", who)}
        self._attempts: dict[int, _AttemptRow] = {}
        for aid, deck, questions, started, finished, right in db.execute(
                "SELECT id, deck, questions, started, finished, right FROM attempt "
                "WHERE participant=? ORDER BY id", who):
            self._attempts[aid] = _AttemptRow(deck, tuple(filter(None, questions.split(","))),
                                              started, finished, right)
        for aid, question, choice, correct, at in db.execute(
                "SELECT answer.attempt, question, choice, correct, at FROM answer JOIN attempt "
                "ON attempt.id = answer.attempt WHERE participant=? ORDER BY answer.rowid", who):
            self._attempts[aid].answers[question] = AnswerRecord(question, choice,
                                                                 bool(correct), at)
        self._next_id = max(self._attempts, default=0) + 1

    # -- writing ------------------------------------------------------------

    def _queue(self, op: Op) -> None:
        if self._writer is None:
            raise StateUnavailable(f"saved progress at {self.path} is closed")
        self._writer.put(op)

    @property
    def pending(self) -> int:
        """Changes not yet written to the file."""
        return len(self._writer.queue) if self._writer else 0

    @property
    def problem(self) -> str | None:
        """Why the last write failed, while writes are waiting to be retried."""
        return self._writer.problem if self._writer else None

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every change so far is written; False if `timeout` passed first."""
        return self._writer.flush(timeout) if self._writer else True

    def close(self) -> None:
        """Finish writing (a few seconds at most); journal what could not be written."""
        writer, self._writer = self._writer, None
        if writer is None:
            return
        left = writer.close(self.CLOSE_WAIT_S)
        if left:
            _write_journal(self.path, self.participant, left, writer.row_ids)

    # -- slides -----------------------------------------------------------

    def visit(self, deck: str, slide: str, resume: bool = True) -> None:
        """The learner is on `slide`: remember it as seen and (with `resume`)
        as the place to continue from."""
        self._seen.setdefault(deck, set()).add(slide)
        if resume:
            self._position.pop(deck, None)
            self._position[deck] = slide
        self._queue(("visit", deck, slide, resume, _now()))

    def last_slide(self, deck: str) -> str | None:
        return self._position.get(deck)

    def recent_position(self) -> tuple[str, str] | None:
        """(deck, slide) the participant visited last, in any deck."""
        if not self._position:
            return None
        deck = next(reversed(self._position))
        return deck, self._position[deck]

    def seen(self, deck: str) -> set[str]:
        return set(self._seen.get(deck, ()))

    # -- quiz -------------------------------------------------------------

    def start_attempt(self, deck: str, questions: Iterable[str]) -> int:
        ids = tuple(questions)
        local, self._next_id = self._next_id, self._next_id + 1
        row = _AttemptRow(deck, ids, _now())
        self._attempts[local] = row
        self._queue(("start", local, deck, ",".join(ids), row.started, len(ids)))
        return local

    def record_answer(self, attempt: int, question: str, choice: int, correct: bool) -> None:
        record = AnswerRecord(question, choice, bool(correct), _now())
        self._attempts[attempt].answers[question] = record
        self._queue(("answer", attempt, question, choice, bool(correct), record.at))

    def finish_attempt(self, attempt: int) -> None:
        row = self._attempts[attempt]
        row.finished = _now()
        row.right = sum(a.correct for a in row.answers.values())
        self._queue(("finish", attempt, row.finished, row.right))

    def attempts(self, deck: str) -> list[Attempt]:
        return [Attempt(aid, row.deck, row.questions, row.started, row.finished, row.right,
                        len(row.questions), tuple(row.answers.values()))
                for aid, row in self._attempts.items() if row.deck == deck]

    def unfinished_attempt(self, deck: str) -> Attempt | None:
        """The latest attempt at `deck`'s quiz that was left before its end, if any."""
        for attempt in reversed(self.attempts(deck)):
            if attempt.finished is None and 0 < len(attempt.answers) < attempt.total:
                return attempt
            if attempt.finished is not None:
                return None
        return None

    def asked_counts(self, deck: str) -> dict[str, int]:
        """How often each question of the deck has been answered by this participant."""
        counts: dict[str, int] = {}
        for row in self._attempts.values():
            if row.deck == deck:
                for question in row.answers:
                    counts[question] = counts.get(question, 0) + 1
        return counts

    def best_score(self, deck: str) -> tuple[int, int] | None:
        """Best finished (right, total) for the deck, if any."""
        done = [(row.right or 0, len(row.questions)) for row in self._attempts.values()
                if row.deck == deck and row.finished is not None and row.questions]
        if not done:
            return None
        return max(done, key=lambda s: (s[0] / s[1], s[0]))


# -- what could not be written before a session ended ----------------------


def _write_journal(path: Path, participant: str, ops: list[Op], row_ids: dict[int, int]) -> None:
    """Keep unwritten changes beside the file for the next session (best effort)."""
    name = f"{_PENDING}{os.getpid()}-{secrets.token_hex(4)}.json"
    body = json.dumps({"participant": participant, "ops": ops,
                       "row_ids": {str(k): v for k, v in row_ids.items()}})
    with contextlib.suppress(OSError):
        fd = os.open(path.with_name(name),
                     os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(body)


def _replay_journals(state_dir: Path, db: sqlite3.Connection) -> None:
    """Write what earlier sessions left in journals, then remove them (under the lock)."""
    journals = sorted(state_dir.glob(f"{_PENDING}*.json"))
    if not journals:
        return
    with directory_lock(state_dir):
        for journal in journals:
            if journal.is_symlink() or not journal.is_file():
                continue
            data = json.loads(journal.read_text(encoding="utf-8"))
            row_ids = {int(k): int(v) for k, v in data["row_ids"].items()}
            _write_batch(db, str(data["participant"]), row_ids, map(tuple, data["ops"]))
            journal.unlink()

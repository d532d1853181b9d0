"""Saved progress: slides seen, where each deck was left, every quiz answer.

One SQLite file per state directory (`tutor.progress_file` opens it safely);
every row carries a participant key so that one workshop server can keep a
whole room in one file, with one dltutor process per session.

How a write travels, so that the UI never waits on SQLite:

- `ProgressStore` reads the participant's rows once, at open, into memory.
  Every read after that (`seen`, `last_slide`, `best_score`...) is answered
  from memory, and every write updates memory at once, so the screen shows
  an answer the moment it is given.
- The write itself is queued for the store's one writer thread
  (`tutor.progress_write`), which hands it to the file directly or, in a
  workshop, to the server that writes the room database for everyone.
- A write that fails (a lock, a full disk, the server out of reach) stays
  queued and is retried with a growing pause; nothing is dropped. `pending`
  and `problem` say what is waiting and why, so the UI can tell the learner.
- `close()` gives the writer a few seconds to finish; what is still queued
  goes to a journal beside the file, replayed later (every change can be
  applied twice harmlessly, so nothing is counted twice).

`flush()` waits for the queue to drain (tests, `serve` before it reports).
No Textual here.
"""

from __future__ import annotations

import getpass
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tutor.progress_file import (
    FILE_NAME,
    SCHEMA,
    SCHEMA_VERSION,
    CorruptState,
    NewerState,
    StateUnavailable,
    connect_readonly,
    open_file,
)
from tutor.progress_write import (
    FileSink,
    Op,
    RoomLink,
    Sink,
    Writer,
    new_token,
    replay_journals,
    write_journal,
)

__all__ = [
    "FILE_NAME", "SCHEMA_VERSION", "AnswerRecord", "Attempt", "CorruptState", "NewerState",
    "ProgressStore", "StateUnavailable", "clean_name", "default_participant",
]


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
    ref: str | int
    """How changes name it in the file: a token drawn here, or the row id of
    an attempt read from the file."""
    finished: str | None = None
    right: int | None = None
    answers: dict[str, AnswerRecord] = field(default_factory=dict)


class ProgressStore:
    """Progress of one participant in one SQLite file (see the module docstring)."""

    BUSY_TIMEOUT_S = 5.0
    """How long opening waits for a lock held inside SQLite by another program."""
    CLOSE_WAIT_S = 3.0
    """How long `close()` lets queued writes finish before journaling them."""

    def __init__(self, path: Path, participant: str | None = None,
                 _db: sqlite3.Connection | None = None, _sink: Sink | None = None) -> None:
        self.path = Path(path)
        self.participant = clean_name(participant) if participant else default_participant()
        db = _db if _db is not None else open_file(self.path.parent)[0]
        try:
            self._load(db)
        finally:
            db.close()
        self._writer: Writer | None = Writer(_sink or FileSink(self.path, self.participant))

    @classmethod
    def open(cls, state_dir: Path, participant: str | None = None,
             room_link: int | None = None) -> tuple[ProgressStore, str | None]:
        """Open the store in `state_dir`; a damaged file is set aside (once, under a lock).

        Returns the store and a one-line notice when something was set aside.
        Raises NewerState or StateUnavailable (the file is kept as it is).
        With `room_link` (a workshop session) see `open_in_room` instead.
        """
        state_dir = Path(state_dir)
        if room_link is not None:
            return cls.open_in_room(state_dir, participant, RoomLink.from_fd(room_link))
        db, notice = open_file(state_dir)
        try:
            replay_journals(state_dir, db)
        except (sqlite3.Error, OSError):
            pass  # kept on disk; the next session tries again
        return cls(state_dir / FILE_NAME, participant, _db=db), notice

    @classmethod
    def open_in_room(cls, room_dir: Path, participant: str | None, link: RoomLink
                     ) -> tuple[ProgressStore, str | None]:
        """A workshop session's store: its rows are read once, read-only, and every
        change goes to the server over `link`, which alone writes the room database.

        The session never checks, repairs, creates nor moves that file (the server
        checked it at start, and others are using it): if it cannot be read, the
        session starts from nothing, keeps what is answered, and says so.
        """
        path = Path(room_dir) / FILE_NAME
        notice = None
        try:
            return cls(path, participant, _db=connect_readonly(path), _sink=link), \
                None if link.up else _NO_LINK
        except (sqlite3.Error, OSError) as exc:
            notice = (f"Your saved progress in this room could not be read ({exc}); the room's "
                      "database was left as it is. What you do now is kept, and saved to the "
                      "room as soon as it can be.")
        empty = sqlite3.connect(":memory:")
        empty.executescript(SCHEMA)
        return cls(path, participant, _db=empty, _sink=link), notice

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
                                              started, aid, finished, right)
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
            write_journal(self.path, self.participant, left)

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
        row = _AttemptRow(deck, ids, _now(), new_token())
        self._attempts[local] = row
        self._queue(("start", row.ref, deck, ",".join(ids), row.started, len(ids)))
        return local

    def record_answer(self, attempt: int, question: str, choice: int, correct: bool) -> None:
        record = AnswerRecord(question, choice, bool(correct), _now())
        row = self._attempts[attempt]
        row.answers[question] = record
        self._queue(("answer", row.ref, question, choice, bool(correct), record.at))

    def finish_attempt(self, attempt: int) -> None:
        row = self._attempts[attempt]
        row.finished = _now()
        row.right = sum(a.correct for a in row.answers.values())
        self._queue(("finish", row.ref, row.finished, row.right))

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


_NO_LINK = ("This session has no link to the workshop server: what you do is kept and "
            "saved to the room when the session ends. Tell the instructor.")

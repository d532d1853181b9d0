"""How saved progress reaches the file: one writer thread per process, and a sink.

A change is a plain tuple (`Op`), applied by `apply_batch`. Every change can
be applied twice without effect the second time: a quiz attempt is named by
a random token the session draws (not by the row id the file gives it),
answers are keyed by attempt and question, slides seen are a set. So a
batch whose acknowledgement was lost can simply be sent again, and a journal
replayed after it was partly written counts nothing twice.

Where a batch goes is the sink's business:
- `FileSink`: straight into the SQLite file (a learner on their own machine).
- `RoomLink`: to the workshop server over a socket it handed down; the
  server alone writes the room database (older SQLite corrupts a WAL file
  when two connections write or checkpoint at once) and acknowledges each
  batch once committed. Until then the batch stays queued here.

What is still queued when a session ends goes to a journal beside the file
(`progress.sqlite3.pending-*.json`, 0600), replayed by the next session to
open the file, or in a workshop by the server. No Textual here.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import stat
import threading
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from tutor.progress_file import FILE_NAME, connect, directory_lock

Op = tuple[Any, ...]
"""One change: ("visit", deck, slide, resume, at), ("start", ref, deck, questions,
started, total), ("answer", ref, question, choice, correct, at), ("finish", ref,
finished, right). `ref` names an attempt: its token (str) or its row id (int)."""

PENDING = f"{FILE_NAME}.pending-"
MAX_BATCH = 256
"""Changes sent in one transaction (a link message stays well under its limit)."""


def new_token() -> str:
    return os.urandom(8).hex()  # what secrets.token_hex does, without its hmac import


def _attempt_row(db: sqlite3.Connection, who: str, ref: object, ids: dict[int, int]) -> int:
    if isinstance(ref, str):
        row = db.execute("SELECT id FROM attempt WHERE participant=? AND token=?",
                         (who, ref)).fetchone()
        if row is None:  # cannot happen: a start always travels ahead of its answers
            raise sqlite3.IntegrityError(f"no quiz attempt {ref} to write to")
        return int(row[0])
    row_id = int(ref)  # type: ignore[call-overload]
    return ids.get(row_id, row_id)


def _apply(db: sqlite3.Connection, who: str, op: Op, ids: dict[int, int]) -> None:
    kind, *args = op
    if kind == "visit":
        deck, slide, resume, at = args
        db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?)", (who, deck, slide, at))
        if resume:
            db.execute("INSERT OR REPLACE INTO position VALUES (?, ?, ?, ?)",
                       (who, deck, slide, at))
    elif kind == "start":
        ref, deck, questions, started, total = args
        if isinstance(ref, str):
            db.execute("INSERT INTO attempt (participant, deck, questions, started, total, token)"
                       " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (participant, token) DO NOTHING",
                       (who, deck, questions, started, total, ref))
        else:  # a journal from before tokens: its local id maps to the new row
            cur = db.execute("INSERT INTO attempt (participant, deck, questions, started, total)"
                             " VALUES (?, ?, ?, ?, ?)", (who, deck, questions, started, total))
            ids[int(ref)] = int(cur.lastrowid or 0)
    elif kind == "answer":
        ref, question, choice, correct, at = args
        db.execute("INSERT OR REPLACE INTO answer VALUES (?, ?, ?, ?, ?)",
                   (_attempt_row(db, who, ref, ids), question, choice, int(correct), at))
    elif kind == "finish":
        ref, finished, right = args
        db.execute("UPDATE attempt SET finished=?, right=? WHERE id=?",
                   (finished, right, _attempt_row(db, who, ref, ids)))
    else:
        raise sqlite3.IntegrityError(f"unknown change {kind!r}")


def apply_ops(db: sqlite3.Connection, who: str, batch: Iterable[Op],
              ids: dict[int, int] | None = None) -> None:
    """Apply `batch` inside the caller's transaction (all of it, or raise)."""
    ids = {} if ids is None else ids
    db.execute("SAVEPOINT batch")
    try:
        for op in batch:
            _apply(db, who, tuple(op), ids)
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK TO batch")
            db.execute("RELEASE batch")
        raise
    db.execute("RELEASE batch")


def apply_batch(db: sqlite3.Connection, who: str, batch: Iterable[Op],
                ids: dict[int, int] | None = None) -> None:
    """All of `batch` in one transaction, or none of it."""
    db.execute("BEGIN IMMEDIATE")
    try:
        apply_ops(db, who, batch, ids)
        db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise


# -- sinks -------------------------------------------------------------------


class Sink(Protocol):
    def write(self, batch: list[Op]) -> None:
        """Store `batch` for good, or raise sqlite3.Error / OSError saying why not."""

    def close(self) -> None: ...


class FileSink:
    """Writes straight into the progress file, on a connection of its own."""

    BUSY_S = 0.5

    def __init__(self, path: Path, participant: str) -> None:
        self.path = path
        self.participant = participant
        self._db: sqlite3.Connection | None = None

    def write(self, batch: list[Op]) -> None:
        if self._db is None:
            self._db = connect(self.path, timeout=self.BUSY_S)
        apply_batch(self._db, self.participant, batch)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


class RoomLink:
    """A session's link to the workshop server, which writes the room database.

    One JSON line per batch, `{"n": N, "ops": [...]}`; the server answers
    `{"n": N}` once the batch is committed, or `{"n": N, "error": "..."}`.
    The server knows whose link this is: the session never names itself.
    """

    ACK_WAIT_S = 30.0
    """Longer than any commit; past it the batch is sent again (harmlessly)."""

    def __init__(self, sock: socket.socket | None) -> None:
        self._sock = sock
        self._sent = 0
        self._buffer = bytearray()
        if sock is not None:
            sock.setblocking(True)

    @classmethod
    def from_fd(cls, fd: int) -> RoomLink:
        """The link handed down by the server as file descriptor `fd` (one that is
        not a socket leaves the link down: changes are kept and journaled)."""
        try:
            sock = socket.socket(fileno=fd)
        except OSError:
            return cls(None)
        sock.set_inheritable(False)
        return cls(sock)

    @property
    def up(self) -> bool:
        return self._sock is not None

    def _lost(self, why: str) -> OSError:
        self.close()
        return ConnectionError(f"lost the link to the workshop server ({why})")

    def write(self, batch: list[Op]) -> None:
        if self._sock is None:
            raise ConnectionError("no link to the workshop server")
        self._sent += 1
        number = self._sent
        try:
            self._sock.settimeout(self.ACK_WAIT_S)
            self._sock.sendall(json.dumps({"n": number, "ops": batch}).encode() + b"\n",
                               socket.MSG_NOSIGNAL)  # a gone server is an error, not a signal
        except OSError as exc:  # a half-sent line cannot be taken back
            raise self._lost(str(exc) or "timed out") from exc
        while True:
            reply = self._read_line()
            if reply.get("n") == number:
                break  # earlier numbers: late answers to batches sent again since
        if "error" in reply:
            raise OSError(f"the workshop server could not save: {reply['error']}")

    def _read_line(self) -> dict[str, Any]:
        assert self._sock is not None
        while b"\n" not in self._buffer:
            try:
                chunk = self._sock.recv(65536)
            except TimeoutError:
                raise TimeoutError("the workshop server did not answer") from None
            except OSError as exc:
                raise self._lost(str(exc)) from exc
            if not chunk:
                raise self._lost("it closed the link")
            self._buffer += chunk
        line, _, rest = bytes(self._buffer).partition(b"\n")
        self._buffer[:] = rest
        try:
            reply = json.loads(line)
        except ValueError as exc:
            raise self._lost("it sent something unreadable") from exc
        return reply if isinstance(reply, dict) else {}

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


# -- the writer thread -------------------------------------------------------


class Writer:
    """The one thread that hands a store's queued changes to its sink; drops none.

    A change leaves the queue only once the sink has stored it; until then a
    failed batch is retried with a growing pause, and `problem` says why.
    """

    RETRY_S = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0)

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.queue: deque[Op] = deque()
        self.problem: str | None = None
        self._wake = threading.Condition()
        self._closing = False
        self._idle = threading.Event()
        self._idle.set()
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
                batch = [self.queue[i] for i in range(min(len(self.queue), MAX_BATCH))]
            try:
                self.sink.write(batch)
            except (sqlite3.Error, OSError) as exc:
                self.problem = str(exc)
                pause = self.RETRY_S[min(failures, len(self.RETRY_S) - 1)]
                failures += 1
                with self._wake:
                    if self._closing:
                        break
                    self._wake.wait(pause)
                continue
            failures, self.problem = 0, None
            with self._wake:
                for _ in batch:
                    self.queue.popleft()
                if not self.queue:
                    self._idle.set()
        self.sink.close()

    def flush(self, timeout: float | None) -> bool:
        return self._idle.wait(timeout)

    def close(self, timeout: float) -> list[Op]:
        """Stop after trying for `timeout` seconds; returns what could not be stored."""
        self.flush(timeout)
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._thread.join(timeout)
        with self._wake:
            return list(self.queue)


# -- journals: what could not be stored before a session ended ---------------


def write_journal(path: Path, participant: str, ops: list[Op]) -> None:
    """Keep unstored changes beside the file (best effort); written whole, then
    renamed, so that a replay never reads half a journal."""
    name = f"{PENDING}{os.getpid()}-{os.urandom(4).hex()}"
    partial = path.with_name(f".{name}.partial")
    body = json.dumps({"participant": participant, "ops": ops})
    with contextlib.suppress(OSError):
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(body)
        os.rename(partial, path.with_name(f"{name}.json"))


def replay_journals(state_dir: Path, db: sqlite3.Connection) -> int:
    """Write what ended sessions left in journals, oldest first, then remove them
    (under the directory lock). Returns how many were replayed.

    The state directory may be one others can write: only a journal this user
    wrote and alone could change is applied (others could name any participant
    in it); anything else is left where it is, unread and undeleted."""
    journals = sorted(Path(state_dir).glob(f"{PENDING}*.json"), key=_age)
    if not journals:
        return 0
    replayed = 0
    with directory_lock(state_dir):
        for journal in journals:
            opened = _read_own_journal(journal)
            if opened is None:
                continue
            data, identity = opened
            try:
                who, ops = str(data["participant"]), list(data["ops"])
                ids = {int(k): int(v) for k, v in data.get("row_ids", {}).items()}
                apply_batch(db, who, ops, ids)
            except (ValueError, KeyError, TypeError, AttributeError, sqlite3.IntegrityError):
                continue  # not ours to read: left as it is for a person to look at
            with contextlib.suppress(FileNotFoundError):
                if os.path.samestat(os.lstat(journal), identity):
                    journal.unlink()
            replayed += 1
    return replayed


MAX_JOURNAL_BYTES = 16 * 1024 * 1024
"""Far above what a session queues (a few hundred bytes a change)."""


def _read_own_journal(path: Path) -> tuple[Any, os.stat_result] | None:
    """The parsed journal and its identity, or None unless it is a regular file
    (reached without a link) owned by this user and writable by nobody else."""
    try:
        # O_NONBLOCK: a FIFO planted under a journal's name must not hang the open.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None  # a link (ELOOP), gone (replayed meanwhile), or not ours to open
    with os.fdopen(fd, "rb") as source:
        info = os.fstat(fd)
        if (not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid()
                or info.st_mode & 0o022 or info.st_size > MAX_JOURNAL_BYTES):
            return None
        try:
            return json.loads(source.read(MAX_JOURNAL_BYTES)), info
        except (OSError, ValueError):
            return None


def _age(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0

"""The room database's one writer: every session's changes, applied by the server.

SQLite before 3.51.3 can corrupt a WAL database when two connections write
or checkpoint at the same moment, and a room is dozens of processes. So no
session writes the room database: each gets one end of a socket pair when
it starts (`link`), sends its changes there as JSON lines, and this writer
applies them on its one connection, in one thread, and acknowledges each
batch once committed. Batches that arrive while a commit is under way are
committed together (each in its own savepoint, so one that fails fails
alone): a room answering at once costs one commit, not thirty in a row.
The server knows whose link it is, so a session cannot write under another
name.

A session whose batch was not acknowledged keeps it and sends it again, or
journals it when it ends; changes are idempotent (`tutor.progress_write`),
so a batch applied twice counts once. Journals are replayed at start and
whenever a session's link closes (the session has written its journal by
then). The asyncio loop never waits on SQLite. No Textual here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tutor.progress_file import open_file
from tutor.progress_write import apply_ops, replay_journals

MAX_LINE = 1 << 22
"""A session's batch as one JSON line is far smaller (256 changes)."""


class RoomWriter:
    """Serves every session's link; owns the room database's one connection."""

    def __init__(self, room_dir: Path, db: sqlite3.Connection,
                 log: Callable[[str], None] = lambda line: None) -> None:
        self.room_dir = Path(room_dir)
        self.log = log
        self._db = db
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="room-writer")
        self._links: set[asyncio.Task[None]] = set()
        self._waiting: list[tuple[str, bytes, asyncio.Future[dict[str, object]]]] = []
        self._committing: asyncio.Task[None] | None = None
        self.batches = 0
        """Batches committed so far."""

    @classmethod
    def open(cls, room_dir: Path, log: Callable[[str], None] = lambda line: None
             ) -> RoomWriter:
        """Check the room database once (`PRAGMA quick_check`), create it if new,
        and replay what sessions journaled. A damaged file raises CorruptState and
        stays where it is; NewerState and StateUnavailable pass through too."""
        db, _ = open_file(Path(room_dir), set_aside_damaged=False)
        writer = cls(room_dir, db, log)
        writer._replay()
        return writer

    def _replay(self) -> None:
        try:
            count = replay_journals(self.room_dir, self._db)
        except (sqlite3.Error, OSError) as exc:
            self.log(f"room database: journals kept for later ({exc})")
            return
        if count:
            self.log(f"room database: {count} session journal(s) written")

    def link(self, nickname: str) -> socket.socket:
        """A new session's link: returns the end to hand to its process (the
        caller closes it once handed down); serves the other end until it closes."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        task = asyncio.ensure_future(self._serve(nickname, ours))
        self._links.add(task)
        task.add_done_callback(self._links.discard)
        return theirs

    async def _serve(self, nickname: str, sock: socket.socket) -> None:
        reader, writer = await asyncio.open_unix_connection(sock=sock, limit=MAX_LINE)
        loop = asyncio.get_running_loop()
        try:
            while line := await reader.readline():
                reply = await self._submit(nickname, line)
                if self.drop_reply(nickname, reply):
                    continue
                writer.write(json.dumps(reply).encode() + b"\n")
                await writer.drain()
        except (ConnectionError, ValueError) as exc:  # ValueError: a line past MAX_LINE
            self.log(f"room database: link of {nickname} closed ({exc})")
        finally:
            writer.close()
        # The session has ended (its process held the other end): write its journal.
        await loop.run_in_executor(self._thread, self._replay)

    def _submit(self, nickname: str, line: bytes) -> asyncio.Future[dict[str, object]]:
        """Queue one batch for the next commit; the future gets its reply."""
        loop = asyncio.get_running_loop()
        reply: asyncio.Future[dict[str, object]] = loop.create_future()
        self._waiting.append((nickname, line, reply))
        if self._committing is None:
            self._committing = asyncio.ensure_future(self._commit())
        return reply

    async def _commit(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                group, self._waiting = self._waiting, []
                try:
                    replies = await loop.run_in_executor(
                        self._thread, self._apply, [(who, line) for who, line, _ in group])
                except Exception as exc:  # every waiting session hears why
                    replies = [{"n": None, "error": str(exc)}] * len(group)
                for (_, _, future), reply in zip(group, replies, strict=True):
                    if not future.done():
                        future.set_result(reply)
        finally:
            self._committing = None

    def _apply(self, group: list[tuple[str, bytes]]) -> list[dict[str, object]]:
        """In the writer thread: the batches of `group` in one transaction, each in
        its own savepoint; one reply per batch says how it went."""
        replies: list[dict[str, object]] = []
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            return [{"n": None, "error": str(exc)}] * len(group)
        for nickname, line in group:
            number: object = None
            try:
                message = json.loads(line)
                number = message["n"]
                apply_ops(self._db, nickname, message["ops"])
            except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
                self.log(f"room database: a change from {nickname} was not saved ({exc})")
                replies.append({"n": number, "error": str(exc)})
                continue
            replies.append({"n": number})
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            return [{"n": r["n"], "error": str(exc)} for r in replies]
        self.batches += sum("error" not in r for r in replies)
        return replies

    def drop_reply(self, nickname: str, reply: dict[str, object]) -> bool:
        """Tests replace this to lose acknowledgements on the way."""
        return False

    async def close(self) -> None:
        """Stop serving links (sessions keep their unsaved changes), write what was
        journaled, and close the database."""
        for task in list(self._links):
            task.cancel()
        if self._links:
            await asyncio.gather(*self._links, return_exceptions=True)
        if self._committing is not None:
            await self._committing
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._thread, self._replay)
        await loop.run_in_executor(self._thread, self._db.close)
        self._thread.shutdown()

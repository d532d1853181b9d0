"""The room database's one writer: sessions send, the server writes and acknowledges."""

from __future__ import annotations

import asyncio
import itertools
import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from serve_helpers import Terminal, answers_of, connect, start_room, wait_until

from tutor import progress, progress_file
from tutor.progress import FILE_NAME, ProgressStore
from tutor.progress_write import PENDING, RoomLink
from tutor.workshop.room_writer import RoomWriter

DECK = "deep-learning"
WAIT = 120.0
"""Seconds any one wait may take: only against hangs, on two busy cores."""


def _never(*args: object) -> None:
    raise AssertionError("a workshop session checked or repaired the room database")


def forbid_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any quick_check, schema change or set-aside from here on fails the test."""
    for module, name in ((progress_file, "_check"), (progress_file, "set_aside"),
                         (progress_file, "open_file"), (progress, "open_file")):
        monkeypatch.setattr(module, name, _never)


def _session(writer: RoomWriter, room_dir: Path, name: str) -> tuple[ProgressStore, str | None]:
    return ProgressStore.open(room_dir, name, room_link=writer.link(name).detach())


def _answer(store: ProgressStore, attempt: int, questions: range) -> None:
    for i in questions:
        store.visit("dl", f"s{i}")
        store.record_answer(attempt, f"q{i}", i % 4, i % 2 == 0)


def _counts(room_dir: Path) -> dict[str, tuple[int, int, int]]:
    """Per participant: attempts, answers, slides seen (straight from the file)."""
    with sqlite3.connect(room_dir / FILE_NAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute(
            "SELECT t.participant, COUNT(DISTINCT t.id), COUNT(a.question), "
            "(SELECT COUNT(*) FROM seen s WHERE s.participant = t.participant) "
            "FROM attempt t LEFT JOIN answer a ON a.attempt = t.id GROUP BY t.participant")
        return {who: (attempts, answers, seen) for who, attempts, answers, seen in rows}


async def _until(condition: Callable[[], bool]) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)
    await asyncio.wait_for(poll(), WAIT)


def test_a_room_session_reads_its_progress_and_never_checks_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = ProgressStore.open(tmp_path, "ana")
    store.visit("dl", "s3")
    store.close()
    forbid_checks(monkeypatch)
    ours, theirs = socket.socketpair()
    store, notice = ProgressStore.open(tmp_path, "ana", room_link=theirs.detach())
    assert notice is None and store.last_slide("dl") == "s3"
    ours.close()  # the server goes away: nothing can be saved, nothing is lost
    monkeypatch.setattr(ProgressStore, "CLOSE_WAIT_S", 0.2)
    store.visit("dl", "s4")
    store.close()
    assert list(tmp_path.glob(f"{PENDING}*.json"))


def test_a_damaged_room_database_is_left_in_place_by_sessions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    damaged = b"not a database at all" * 100
    (tmp_path / FILE_NAME).write_bytes(damaged)
    forbid_checks(monkeypatch)
    ours, theirs = socket.socketpair()
    store, notice = ProgressStore.open(tmp_path, "ana", room_link=theirs.detach())
    assert notice is not None and "could not be read" in notice
    attempt = store.start_attempt("dl", ["q1"])  # answering still works, kept in memory
    store.record_answer(attempt, "q1", 0, True)
    assert store.attempts("dl")[0].answers[0].correct
    monkeypatch.setattr(ProgressStore, "CLOSE_WAIT_S", 0.2)
    ours.close()
    store.close()
    assert (tmp_path / FILE_NAME).read_bytes() == damaged
    assert not list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    assert len(list(tmp_path.glob(f"{PENDING}*.json"))) == 1


async def test_many_sessions_at_once_lose_nothing_and_count_nothing_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = RoomWriter.open(tmp_path)
    monkeypatch.setattr(RoomLink, "ACK_WAIT_S", 0.3)
    replies = itertools.count()
    dropped: list[str] = []

    def lose_some(nickname: str, reply: dict[str, object]) -> bool:
        # Every third acknowledgement is lost after its batch was committed:
        # the session sends it again, and it must count once.
        if next(replies) % 3 == 0 and "error" not in reply:
            dropped.append(nickname)
            return True
        return False

    monkeypatch.setattr(writer, "drop_reply", lose_some)
    names = [f"p{n:02d}" for n in range(12)]
    with monkeypatch.context() as patch:
        forbid_checks(patch)
        stores = [_session(writer, tmp_path, name)[0] for name in names]
    for store in stores:
        attempt = store.start_attempt("dl", [f"q{i}" for i in range(6)])
        _answer(store, attempt, range(6))
        store.finish_attempt(attempt)
    saved = await asyncio.gather(*(asyncio.to_thread(s.flush, WAIT) for s in stores))
    assert all(saved) and dropped
    for store in stores:
        store.close()
    await writer.close()
    assert _counts(tmp_path) == dict.fromkeys(names, (1, 6, 6))
    assert not list(tmp_path.glob(f"{PENDING}*"))


async def test_answers_outlive_a_server_that_goes_away(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    writer = RoomWriter.open(tmp_path)
    store, _ = _session(writer, tmp_path, "ana")
    attempt = store.start_attempt("dl", ["q0", "q1", "q2"])
    _answer(store, attempt, range(1))
    assert await asyncio.to_thread(store.flush, WAIT)
    # The next batch is committed but its acknowledgement never arrives...
    monkeypatch.setattr(writer, "drop_reply", lambda nickname, reply: True)
    applied = writer.batches
    _answer(store, attempt, range(1, 2))
    await _until(lambda: writer.batches > applied)
    await writer.close()  # ...then the server goes away.
    _answer(store, attempt, range(2, 3))  # answered while it is gone
    store.finish_attempt(attempt)
    await _until(lambda: store.problem is not None)
    assert store.pending > 0
    monkeypatch.setattr(ProgressStore, "CLOSE_WAIT_S", 0.2)
    store.close()
    assert len(list(tmp_path.glob(f"{PENDING}*.json"))) == 1
    writer = RoomWriter.open(tmp_path)  # the server is back: it replays the journal
    await writer.close()
    assert not list(tmp_path.glob(f"{PENDING}*"))
    assert _counts(tmp_path) == {"ana": (1, 3, 3)}
    again, _ = ProgressStore.open(tmp_path, "ana")
    assert again.best_score("dl") == (2, 3)
    again.close()


async def test_a_session_leaves_a_damaged_room_database_to_the_server(tmp_path: Path) -> None:
    room = await start_room(tmp_path, deck=DECK, quiz=True)
    path = tmp_path / FILE_NAME
    try:
        with sqlite3.connect(path) as db:  # everything into the file, then damage it
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        path.write_bytes(b"damaged while the room runs " * 200)
        conn = await connect(room, "ada")
        term = await Terminal.open(conn)
        screen = await term.expect("Question 1 of")
        term.keys("2")
        screen += await term.expect("Taught on the slide")
        conn.abort()
        await wait_until(lambda: not room.sessions)
    finally:
        await room.close()
    assert "could not" in " ".join(screen.split())
    assert path.exists() and not list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    assert len(list(tmp_path.glob(f"{PENDING}*.json"))) == 1  # the answer, kept


async def test_a_session_started_afresh_saves_through_the_server(tmp_path: Path) -> None:
    room = await start_room(tmp_path, deck=DECK, quiz=True, fork_server=False)
    try:
        async with await connect(room, "ada") as conn:
            term = await Terminal.open(conn)
            await term.expect("Question 1 of")
            term.keys("2")
            await term.expect("Taught on the slide")
            await wait_until(lambda: answers_of(tmp_path) == {"ada": 1})
            assert room.writer is not None and room.writer.batches > 0
    finally:
        await room.close()
    assert not list(tmp_path.glob(f"{PENDING}*"))

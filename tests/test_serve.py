"""`dltutor serve` end to end: a server on 127.0.0.1, real SSH clients, real tutors."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import asyncssh
import pytest
from serve_helpers import (
    CODE,
    WAIT,
    Terminal,
    answers_of,
    connect,
    plain,
    start_room,
    take_quiz,
    wait_until,
)

from tutor.content import load_library
from tutor.locations import content_dir
from tutor.progress import FILE_NAME
from tutor.workshop.hostkey import FILE_NAME as KEY_FILE
from tutor.workshop.hostkey import load_or_create
from tutor.workshop.results import read_room
from tutor.workshop.server import RoomServer

DECK = "deep-learning"
QUESTIONS = len(load_library(content_dir()).get(DECK).topics)


@pytest.fixture
async def room(tmp_path: Path):
    server = await start_room(tmp_path, deck=DECK, quiz=True)
    yield server
    await server.close()
    assert not server.sessions


async def test_a_session_gets_the_tutor_and_answers_keys(room: RoomServer) -> None:
    async with await connect(room, "ada") as conn:
        term = await Terminal.open(conn)
        await take_quiz(term, QUESTIONS)
        term.keys("q")
        assert await term.ended() == 0
    await wait_until(lambda: not room.sessions)
    assert answers_of(room.settings.room_dir) == {"ada": QUESTIONS}
    assert "ended='quit'" in room.log_lines[-1] and "nick=ada" in room.log_lines[-1]


@pytest.mark.parametrize("fork_server", [True, False], ids=["forked", "fresh-process"])
async def test_a_resize_reaches_the_app(tmp_path: Path, fork_server: bool) -> None:
    room = await start_room(tmp_path, fork_server=fork_server)
    assert (room.launcher is not None) == fork_server
    try:
        async with await connect(room) as conn:
            term = await Terminal.open(conn, cols=70, rows=24)  # below the app's minimum
            await term.expect("This terminal is 70x24")
            term.process.change_terminal_size(72, 25)
            await term.expect("This terminal is 72x25")
            term.process.change_terminal_size(5000, 1)  # clamped, not passed on
            await term.expect("This terminal is 500x10")
    finally:
        await room.close()


async def test_commands_subsystems_and_forwarding_are_refused(room: RoomServer,
                                                             tmp_path: Path) -> None:
    async with await connect(room, agent_forwarding=True,
                             agent_path=str(tmp_path / "agent")) as conn:
        result = await conn.run("ls", check=False)
        assert result.exit_status == 1 and "no commands" in str(result.stderr)
        no_pty = await conn.run(check=False)  # a shell without a terminal
        assert "needs an interactive terminal: ssh -t" in str(no_pty.stderr)
        with pytest.raises(asyncssh.Error):
            await conn.start_sftp_client()
        with pytest.raises(asyncssh.Error):
            await asyncssh.scp((conn, "/etc/hostname"), str(tmp_path / "copy"))
        assert not (tmp_path / "copy").exists()
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.open_connection("127.0.0.1", room.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", room.port)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.open_unix_connection("/tmp/.X11-unix/X0")
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_path(str(tmp_path / "listen"), "/tmp/.X11-unix/X0")
        term = await Terminal.open(conn)  # asks for agent forwarding with the session
        await term.expect("Question 1 of")
        server_side = next(iter(room.connections))
        assert server_side.conn is not None and server_side.conn.get_agent_path() is None
        child = next(iter(room.sessions)).child
        assert child is not None
        env = Path(f"/proc/{child.pid}/environ").read_bytes().split(b"\0")
        assert not any(v.startswith(b"SSH_AUTH_SOCK=") for v in env)
    await wait_until(lambda: not room.sessions)


async def test_wrong_code_and_bad_nickname_are_refused(room: RoomServer) -> None:
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(room, "ada", password="guess")
    with pytest.raises(asyncssh.Error, match="nickname"):
        await connect(room, "no spaces please")
    assert not room.sessions


async def test_the_cap_refuses_the_next_session(tmp_path: Path) -> None:
    room = await start_room(tmp_path, max_sessions=1, deck=DECK)
    try:
        async with await connect(room, "ada") as first, await connect(room, "bob") as second:
            term = await Terminal.open(first)
            await term.expect("Deep Learning")
            late = await Terminal.open(second)
            await late.expect("The room is full (1 sessions)")
            assert await late.ended() == 1
            assert len(room.sessions) == 1 and not term.closed
    finally:
        await room.close()


async def test_invalid_utf8_does_not_end_a_session(room: RoomServer) -> None:
    async with await connect(room, "ada") as conn:
        term = await Terminal.open(conn)
        await term.expect("Question 1 of")
        term.keys(b"\xff\xfe\xc3")   # invalid, then the start of a sequence
        term.keys(b"\x28 \xe2\x82")  # ...broken by ASCII, then a truncated one
        term.keys("1")
        await term.expect("Taught on the slide")
        assert not term.closed
    await wait_until(lambda: answers_of(room.settings.room_dir).get("ada") == 1)


async def test_disconnecting_mid_quiz_keeps_every_answer(room: RoomServer) -> None:
    conn = await connect(room, "ada")
    term = await Terminal.open(conn)
    for number in (1, 2):
        await term.expect(f"Question {number} of")
        term.keys("2")
        await term.expect("Taught on the slide")
        term.keys("\r")
    conn.abort()  # the network goes away without a goodbye
    await wait_until(lambda: not room.sessions)
    assert answers_of(room.settings.room_dir) == {"ada": 2}
    assert "ended='client left'" in room.log_lines[-1]
    async with await connect(room, "ada") as again:  # back, the quiz goes on
        term = await Terminal.open(again)
        await term.expect("Question 3 of")


async def test_a_room_takes_the_quiz_at_once(room: RoomServer) -> None:
    names = [f"p{n:02d}" for n in range(20)]

    async def participant(name: str) -> None:
        async with await connect(room, name) as conn:
            term = await Terminal.open(conn, cols=90, rows=28)
            await take_quiz(term, QUESTIONS, choice="1234"[hash(name) % 4])
            term.keys("q")
            await term.ended()

    await asyncio.gather(*(participant(name) for name in names))
    await wait_until(lambda: not room.sessions)
    assert room.writer is not None and room.writer.batches >= 20  # the server wrote it all
    room_dir = room.settings.room_dir
    with sqlite3.connect(room_dir / FILE_NAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert answers_of(room_dir) == dict.fromkeys(names, QUESTIONS)
    results = read_room(room_dir, content_dir(), check=True)
    assert results.integrity == "ok" and results.answers == 20 * QUESTIONS
    assert sum(q.answered for q in results.questions) == 20 * QUESTIONS
    assert [p.nickname for p in results.participants] == names
    assert all(p.answered == QUESTIONS and p.best for p in results.participants)


async def test_stopping_the_server_ends_every_session(tmp_path: Path) -> None:
    room = await start_room(tmp_path, deck=DECK)
    conn = await connect(room)
    term = await Terminal.open(conn)
    await term.expect("Deep Learning")
    child = next(iter(room.sessions)).child
    assert child is not None
    await room.close()
    await term.expect("the workshop server is stopping")
    assert child.returncode is not None and not room.sessions
    assert not Path(f"/proc/{child.pid}").exists()  # reaped
    conn.close()


def test_host_key_is_private_kept_and_never_replaced(tmp_path: Path) -> None:
    key, created = load_or_create(tmp_path)
    path = tmp_path / KEY_FILE
    assert created and stat.S_IMODE(path.stat().st_mode) == 0o600
    again, created_again = load_or_create(tmp_path)
    assert not created_again and again.get_fingerprint() == key.get_fingerprint()
    path.write_text("not a key")
    with pytest.raises(Exception, match="kept as it is"):
        load_or_create(tmp_path)
    assert path.read_text() == "not a key"


@pytest.mark.skipif(shutil.which("ssh") is None, reason="no system ssh client")
async def test_the_system_ssh_client(room: RoomServer, tmp_path: Path) -> None:
    askpass = tmp_path / "askpass"
    askpass.write_text(f"#!/bin/sh\necho {CODE}\n")
    askpass.chmod(0o700)
    env = dict(os.environ, SSH_ASKPASS=str(askpass), SSH_ASKPASS_REQUIRE="force", DISPLAY=":0")
    base = ["ssh", "-p", str(room.port), "-o", "StrictHostKeyChecking=no", "-o",
            "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "PubkeyAuthentication=no",
            "-F", "/dev/null"]
    command = await asyncio.create_subprocess_exec(
        *base, "ada@127.0.0.1", "ls", env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(command.communicate(), WAIT)
    assert command.returncode == 1 and b"no commands" in err
    tutor = await asyncio.create_subprocess_exec(
        *base, "-tt", "ada@127.0.0.1", env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert tutor.stdin and tutor.stdout
    seen = b""
    while "Question 1 of" not in plain(seen):
        chunk = await asyncio.wait_for(tutor.stdout.read(65536), WAIT)
        assert chunk, f"ssh ended early: {seen[-300:]!r}"
        seen += chunk
    tutor.stdin.write(b"q")
    await tutor.stdin.drain()
    await asyncio.wait_for(tutor.communicate(), WAIT)
    assert tutor.returncode == 0

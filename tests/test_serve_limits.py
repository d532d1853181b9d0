"""The server's limits, made short through `Limits`: wrong codes, logging in,
idling, session time, and a tutor that will not hang up."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import asyncssh
import pytest
from serve_helpers import WAIT, Terminal, connect, start_room, wait_until

from tutor.workshop.server import RoomServer


class Guesser(asyncssh.SSHClient):
    """A client that keeps guessing codes for as long as the server asks."""

    def __init__(self) -> None:
        self.guesses = 0

    def password_auth_requested(self) -> str | None:
        self.guesses += 1
        return f"guess-{self.guesses}" if self.guesses < 10 else None


def last_line(room: RoomServer) -> str:
    return room.log_lines[-1] if room.log_lines else ""  # type: ignore[attr-defined]


async def test_three_wrong_codes_end_the_connection(tmp_path: Path) -> None:
    room = await start_room(tmp_path)
    try:
        guesser = Guesser()
        with pytest.raises(asyncssh.Error):
            await asyncssh.connect("127.0.0.1", room.port, username="ada", known_hosts=None,
                                   agent_path=None, client_keys=None,
                                   client_factory=lambda: guesser)
        assert guesser.guesses == room.settings.limits.failed_logins_per_connection == 3
        await wait_until(lambda: "ended='wrong code, too many tries'" in last_line(room))
        assert not room.connections
    finally:
        await room.close()


async def test_a_connection_that_never_logs_in_is_closed(tmp_path: Path) -> None:
    room = await start_room(tmp_path, login_timeout=1.0)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", room.port)
        # Say nothing, not even a version: the server must end it, not wait forever.
        received = await asyncio.wait_for(reader.read(), WAIT)
        assert received.startswith(b"SSH-2.0-")  # the server's greeting, then end of stream
        writer.close()
        await wait_until(lambda: "ended='closed before login'" in last_line(room))
    finally:
        await room.close()


async def test_an_idle_session_is_ended_with_a_message(tmp_path: Path) -> None:
    room = await start_room(tmp_path, idle_timeout=1.0)
    try:
        async with await connect(room) as conn:
            term = await Terminal.open(conn)
            await term.expect("no key pressed for 1 second")  # not "0 minutes"
            assert await term.ended() == 1  # ended by the server, not by the learner
        await wait_until(lambda: "ended='idle timeout'" in last_line(room))
        assert not room.sessions
    finally:
        await room.close()


async def test_a_session_ends_when_its_time_is_up(tmp_path: Path) -> None:
    room = await start_room(tmp_path, session_time=1.0)
    try:
        async with await connect(room) as conn:
            term = await Terminal.open(conn)
            await term.expect("sessions last at most 1 second")
            await term.ended()
        await wait_until(lambda: "ended='session time up'" in last_line(room))
        assert not room.sessions
    finally:
        await room.close()


async def test_a_tutor_that_ignores_the_hangup_is_killed_after_the_grace(
        tmp_path: Path) -> None:
    stubborn = tmp_path / "stubborn"
    # Started as `stubborn -m tutor ...`: the arguments are ignored, SIGHUP too.
    stubborn.write_text("#!/bin/sh\ntrap '' HUP\necho ignoring hangups\nexec sleep 600\n")
    stubborn.chmod(0o700)
    grace = 1.0
    room = await start_room(tmp_path / "room", python=str(stubborn), fork_server=False,
                            hangup_grace=grace)
    try:
        conn = await connect(room)
        term = await Terminal.open(conn)
        await term.expect("ignoring hangups")
        child = next(iter(room.sessions)).child
        assert child is not None
        left = time.monotonic()
        conn.close()  # the participant leaves: the child is hung up
        await asyncio.wait_for(child.wait(), WAIT)
        assert child.returncode == -signal.SIGKILL  # SIGHUP did not end it
        assert time.monotonic() - left >= grace  # it had its grace first
        await wait_until(lambda: not room.sessions)
        assert "ended='client left'" in last_line(room)
    finally:
        await room.close()

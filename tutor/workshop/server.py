"""`dltutor serve`: an SSH server that gives each participant their own tutor.

One dltutor process per SSH session (`ssh_session`), each on its own pty; the
server only copies bytes, checks what clients ask for, and keeps the limits.
Refused: commands (`ssh host ls`, scp), subsystems (SFTP), shells without a
pty, every kind of forwarding. The SSH user name is the participant's
nickname; their progress lands in the room database under it, written by
the server alone (`room_writer`): each session sends its changes over a
link the server hands it at start.
"""

from __future__ import annotations

import asyncio
import hmac
import os
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncssh

from tutor.workshop import policy
from tutor.workshop.launcher import ForkServer
from tutor.workshop.policy import AddressLedger, Limits
from tutor.workshop.room_writer import RoomWriter
from tutor.workshop.ssh_session import Session


@dataclass
class ServeSettings:
    room_dir: Path
    """Holds the host key, the room database and the server log."""
    cache_dir: Path
    """The kernel cache every session shares (warmed up at start)."""
    host: str = "127.0.0.1"
    port: int = 2222
    code: str | None = None
    """Workshop code, asked for as the SSH password."""
    authorized_keys: Path | None = None
    open_room: bool = False
    """No authentication at all (only allowed on a loopback address)."""
    deck: str | None = None
    """Open this deck for everyone."""
    quiz: bool = False
    """With `deck`: go straight into its quiz."""
    limits: Limits = field(default_factory=Limits)
    python: str = sys.executable
    fork_server: bool = True
    """Fork sessions from a process that has imported the UI already (faster
    first screen when many connect at once); off, each starts from scratch."""

    def child_argv(self, nickname: str) -> list[str]:
        argv = [self.python, "-m", "tutor"]
        if self.deck and self.quiz:
            argv += ["quiz", self.deck]
        elif self.deck:
            argv.append(self.deck)
        return [*argv, "--participant", nickname]


@dataclass
class ConnectionRecord:
    """One line of the server log."""

    address: str
    started: float = field(default_factory=time.monotonic)
    nickname: str = "-"
    term: str = "-"
    size: str = "-"
    ended: str = "closed before login"
    bytes_out: int = 0

    def line(self) -> str:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        return (f"{stamp} {self.address} nick={self.nickname} term={self.term} "
                f"size={self.size} duration={time.monotonic() - self.started:.0f}s "
                f"out={self.bytes_out}B ended={self.ended!r}")


class RoomServer:
    """The listening server and every live session."""

    def __init__(self, settings: ServeSettings, host_key: asyncssh.SSHKey,
                 log: Callable[[str], None], writer: RoomWriter | None = None) -> None:
        self.settings = settings
        self.writer = writer
        """The room database's one writer (opened at start if not given)."""
        self.host_key = host_key
        self.log = log
        self.sessions: set[Session] = set()
        self.connections: set[Connection] = set()
        self.ledger = AddressLedger(settings.limits.failed_logins_per_address,
                                    settings.limits.address_window)
        self._server: asyncssh.SSHAcceptor | None = None
        self.launcher: ForkServer | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[object]] = set()
        self.closing = False

    async def start(self) -> None:
        s = self.settings
        if s.open_room and not policy.is_loopback(s.host):
            raise ValueError("a room without a code is only allowed on a loopback address")
        if not (s.open_room or s.code or s.authorized_keys):
            raise ValueError("give a workshop code or an authorized_keys file")
        if self.writer is None:
            self.writer = RoomWriter.open(s.room_dir, self.log)
        if s.fork_server:
            launcher = ForkServer(policy.child_env(None, {}, room_dir=s.room_dir,
                                                   cache_dir=s.cache_dir, base=os.environ),
                                  s.python)
            if await launcher.start():
                self.launcher = launcher
            else:
                self.log("the fork server did not start: each session starts from scratch")
        self._server = await asyncssh.create_server(
            lambda: Connection(self), s.host, s.port, server_host_keys=[self.host_key],
            encoding=None, login_timeout=s.limits.login_timeout, agent_forwarding=False,
            x11_forwarding=False, allow_scp=False, keepalive_interval=30,
            keepalive_count_max=4)
        self._watchdog = asyncio.create_task(self._watch())

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def spawn(self, coro: Coroutine[Any, Any, object]) -> None:
        """Run a background task that the server keeps a reference to."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _watch(self) -> None:
        limits = self.settings.limits
        while True:
            await asyncio.sleep(min(30.0, limits.idle_timeout / 4, limits.session_time / 4))
            now = time.monotonic()
            for session in list(self.sessions):
                if now - session.last_input > limits.idle_timeout:
                    session.end("no key pressed for "
                                f"{policy.duration_words(limits.idle_timeout)}", "idle timeout")
                elif session.child and now - session.child.started > limits.session_time:
                    session.end("sessions last at most "
                                f"{policy.duration_words(limits.session_time)}",
                                "session time up")

    async def close(self) -> None:
        """Stop listening, end every session (children hung up and reaped)."""
        self.closing = True
        if self._watchdog:
            self._watchdog.cancel()
        if self._server:
            self._server.close()
        starting = [s.starting for s in self.sessions if s.starting]
        if starting:
            await asyncio.gather(*starting, return_exceptions=True)
        for session in list(self.sessions):
            session.end("the workshop server is stopping", "server stopped")
        children = [s.child.wait() for s in self.sessions if s.child]
        if children:
            await asyncio.gather(*children)
        # Clients leave by themselves once their session closed (after reading
        # the goodbye); closing them at once could drop that last line.
        waiting = [asyncio.ensure_future(c.conn.wait_closed())
                   for c in self.connections if c.conn]
        if waiting:
            await asyncio.wait(waiting, timeout=5.0)
        for connection in list(self.connections):
            connection.close()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.launcher:
            self.launcher.close()
        if self.writer:
            await self.writer.close()
        if self._server:
            await self._server.wait_closed()


class Connection(asyncssh.SSHServer):
    """One client connection: authentication, nickname and its log line."""

    def __init__(self, server: RoomServer) -> None:
        self.server = server
        self.conn: asyncssh.SSHServerConnection | None = None
        self.record = ConnectionRecord("-")
        self.failures = 0

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.record = ConnectionRecord(str(peer[0]) if peer else "-")
        self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)
        self.server.log(self.record.line())

    def close(self) -> None:
        if self.conn:
            self.conn.close()

    def _turn_away(self, code: int, message: str, ended: str) -> None:
        assert self.conn is not None
        self.record.ended = ended
        self.conn.send_auth_banner(message + "\r\n")
        self.conn.disconnect(code, message)

    def begin_auth(self, username: str) -> bool:
        settings = self.server.settings
        self.record.nickname = username if policy.valid_nickname(username) else repr(username)
        if not policy.valid_nickname(username):
            self._turn_away(asyncssh.DISC_ILLEGAL_USER_NAME,
                            f"dltutor: the user name is your nickname in the room: "
                            f"{policy.NICKNAME_RULE} (e.g. ssh -p {self.server.port} "
                            f"ada@host)", "bad nickname")
            return True
        if self.server.ledger.blocked(self.record.address, time.monotonic()):
            self._turn_away(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                            "dltutor: too many wrong codes from this address; "
                            "wait a few minutes", "address blocked")
            return True
        if settings.open_room:
            return False
        if settings.authorized_keys and self.conn:
            self.conn.set_authorized_keys(str(settings.authorized_keys))
        return True

    def password_auth_supported(self) -> bool:
        return self.server.settings.code is not None

    def public_key_auth_supported(self) -> bool:
        return self.server.settings.authorized_keys is not None

    def validate_password(self, username: str, password: str) -> bool:
        code = self.server.settings.code
        if code is not None and hmac.compare_digest(password.encode(), code.encode()):
            self.record.ended = "logged in"
            return True
        self.failures += 1
        self.record.ended = "wrong code"
        self.server.ledger.failed(self.record.address, time.monotonic())
        if self.failures >= self.server.settings.limits.failed_logins_per_connection:
            self._turn_away(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                            "dltutor: wrong workshop code (ask the instructor)",
                            "wrong code, too many tries")
        return False

    def auth_completed(self) -> None:
        self.record.ended = "logged in, no session"

    def session_requested(self) -> Session:
        return Session(self)

    # Forwarding of every kind is refused (asyncssh's defaults, said out loud).
    def connection_requested(self, *args: object) -> bool:
        return False

    def server_requested(self, *args: object) -> bool:
        return False

    def unix_connection_requested(self, *args: object) -> bool:
        return False

    def unix_server_requested(self, *args: object) -> bool:
        return False

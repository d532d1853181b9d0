"""A room server on 127.0.0.1 in a temporary folder, and SSH clients to drive it."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import asyncssh

from tutor import locations
from tutor.progress_file import FILE_NAME
from tutor.workshop.hostkey import load_or_create
from tutor.workshop.policy import Limits
from tutor.workshop.server import RoomServer, ServeSettings

CODE = "open-sesame"
WAIT = 180.0
"""Seconds any one wait may take: only against hangs, on two busy cores."""

_ESCAPES = re.compile(  # CSI, OSC, charset selection, any other two-byte escape
    rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)")


async def start_room(room_dir: Path, **overrides: object) -> RoomServer:
    limits = Limits(hangup_grace=10.0)
    for name in [n for n in overrides if hasattr(limits, n)]:
        setattr(limits, name, overrides.pop(name))
    overrides.setdefault("code", CODE)
    settings = ServeSettings(room_dir=room_dir, cache_dir=locations.kernel_cache_dir(),
                             port=0, limits=limits, **overrides)  # type: ignore[arg-type]
    room_dir.mkdir(parents=True, exist_ok=True)
    key, _ = load_or_create(room_dir)
    lines: list[str] = []
    server = RoomServer(settings, key, lines.append)
    server.log_lines = lines  # type: ignore[attr-defined]
    await server.start()
    return server


async def connect(server: RoomServer, user: str = "ada", password: str = CODE,
                  **options: object) -> asyncssh.SSHClientConnection:
    options.setdefault("agent_path", None)
    options.setdefault("client_keys", None)
    return await asyncssh.connect("127.0.0.1", server.port, username=user, password=password,
                                  known_hosts=None, **options)  # type: ignore[arg-type]


def plain(data: bytes) -> str:
    """What a screen says, near enough to search: escape sequences removed."""
    return _ESCAPES.sub(b"", data).decode("utf-8", "replace")


class Terminal:
    """An interactive session seen from the client: keys in, screen text out."""

    def __init__(self, process: asyncssh.SSHClientProcess) -> None:  # type: ignore[type-arg]
        self.process = process
        self.received = bytearray()
        self._mark = 0
        self._grew = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, conn: asyncssh.SSHClientConnection, cols: int = 100,
                   rows: int = 30) -> Terminal:
        process = await conn.create_process(term_type="xterm-256color",
                                            term_size=(cols, rows), encoding=None)
        return cls(process)

    async def _read(self) -> None:
        while chunk := await self.process.stdout.read(65536):
            self.received += chunk
            self._grew.set()
        self._grew.set()

    @property
    def closed(self) -> bool:
        return self._reader.done()

    async def expect(self, text: str, timeout: float = WAIT) -> str:
        """Wait until `text` appears in what arrived since the last expect."""
        async def seen() -> str:
            while True:
                screen = plain(bytes(self.received[self._mark:]))
                if text in screen:
                    self._mark = len(self.received)
                    return screen
                if self.closed:
                    raise AssertionError(f"session ended before {text!r}; got {screen[-300:]!r}")
                self._grew.clear()
                await self._grew.wait()
        return await asyncio.wait_for(seen(), timeout)

    def keys(self, data: str | bytes) -> None:
        self.process.stdin.write(data.encode() if isinstance(data, str) else data)

    async def ended(self, timeout: float = WAIT) -> int | None:
        await asyncio.wait_for(self._reader, timeout)
        await asyncio.wait_for(self.process.wait_closed(), timeout)
        return self.process.exit_status


async def take_quiz(term: Terminal, questions: int, choice: str = "1") -> None:
    """Answer every question of a round with `choice` and reach the score."""
    for number in range(1, questions + 1):
        await term.expect(f"Question {number} of {questions}")
        term.keys(choice)
        await term.expect("Taught on the slide")
        term.keys("\r")
    await term.expect("You scored")


async def wait_until(condition: Callable[[], bool], timeout: float = WAIT) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.1)
    await asyncio.wait_for(poll(), timeout)


def answers_of(room_dir: Path) -> dict[str, int]:
    """Answers stored per participant (read straight from the database)."""
    with sqlite3.connect(room_dir / FILE_NAME) as db:
        rows = db.execute("SELECT t.participant, COUNT(*) FROM answer a JOIN attempt t "
                          "ON t.id = a.attempt GROUP BY t.participant").fetchall()
    return dict(rows)

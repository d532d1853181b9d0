"""The server's side of the fork server (`zygote`): start it, ask it for sessions.

If the fork server cannot start or dies, sessions start as fresh processes
instead (slower to the first screen, otherwise the same).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence

from tutor.workshop.zygote import receive, send

ARGV_PREFIX = ("-m", "tutor")
"""Session argument lists start `python -m tutor`; the fork server runs the rest."""


class ForkServer:
    def __init__(self, env: Mapping[str, str], python: str = sys.executable) -> None:
        self._env = dict(env)
        self._python = python
        self._sock: socket.socket | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._ids = itertools.count()
        self._spawning: dict[int, asyncio.Future[int]] = {}
        self._exits: dict[int, asyncio.Future[int]] = {}
        self._ready: asyncio.Future[int] | None = None

    @property
    def alive(self) -> bool:
        return self._sock is not None and self._ready is not None and self._ready.done() \
            and not self._ready.exception()

    async def start(self, timeout: float = 120.0) -> bool:
        """Start the fork server and wait until it has imported everything."""
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._process = subprocess.Popen(
            [self._python, "-m", "tutor.workshop.zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], env=self._env, stdin=subprocess.DEVNULL,
            start_new_session=True)
        theirs.close()
        ours.setblocking(False)
        self._sock = ours
        self._ready = loop.create_future()
        loop.add_reader(ours, self._readable)
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), timeout)
        except (TimeoutError, ConnectionError):
            self.close()
            return False
        return True

    def _readable(self) -> None:
        assert self._sock is not None
        try:
            message, _ = receive(self._sock)
        except BlockingIOError:
            return
        except OSError:
            message = None
        if message is None:
            self._lost()
            return
        if "ready" in message and self._ready and not self._ready.done():
            self._ready.set_result(int(message["ready"]))  # type: ignore[call-overload]
        elif "pid" in message:
            waiter = self._spawning.pop(int(message["id"]), None)  # type: ignore[call-overload]
            if waiter and not waiter.done():
                waiter.set_result(int(message["pid"]))  # type: ignore[call-overload]
        elif "exited" in message:
            done = self._exits.pop(int(message["exited"]), None)  # type: ignore[call-overload]
            if done and not done.done():
                done.set_result(int(message["code"]))  # type: ignore[call-overload]

    def _lost(self) -> None:
        """The fork server is gone: its sessions live on; watch them by pidfd."""
        loop = asyncio.get_running_loop()
        if self._sock is not None:
            loop.remove_reader(self._sock)
            self._sock.close()
            self._sock = None
        if self._ready and not self._ready.done():
            self._ready.set_exception(ConnectionError("fork server ended"))
        for waiter in self._spawning.values():
            if not waiter.done():
                waiter.set_exception(ConnectionError("fork server ended"))
        for pid, done in list(self._exits.items()):
            _watch_pidfd(pid, done)
        self._exits.clear()

    async def spawn(self, argv: Sequence[str], env: Mapping[str, str], slave: int,
                    link: int | None = None) -> tuple[int, asyncio.Future[int]]:
        if self._sock is None:
            raise ConnectionError("fork server not running")
        args = list(argv)[1:]
        if tuple(args[:2]) != ARGV_PREFIX:
            raise ValueError(f"the fork server only runs dltutor, not {argv!r}")
        loop = asyncio.get_running_loop()
        ident = next(self._ids)
        waiter: asyncio.Future[int] = loop.create_future()
        self._spawning[ident] = waiter
        send(self._sock, {"id": ident, "argv": args[2:], "env": dict(env)},
             [slave] if link is None else [slave, link])
        pid = await waiter
        done: asyncio.Future[int] = loop.create_future()
        self._exits[pid] = done
        return pid, done

    def close(self) -> None:
        """Closing our end ends the fork server; sessions it started live on."""
        if self._sock is not None:
            asyncio.get_running_loop().remove_reader(self._sock)
            self._sock.close()
            self._sock = None
        if self._process is not None:
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


def _watch_pidfd(pid: int, done: asyncio.Future[int]) -> None:
    loop = asyncio.get_running_loop()
    try:
        fd = os.pidfd_open(pid)
    except OSError:  # already gone
        done.set_result(-1)
        return

    def ended() -> None:
        loop.remove_reader(fd)
        os.close(fd)
        if not done.done():
            done.set_result(-1)  # its parent is gone, so nobody can tell its status

    loop.add_reader(fd, ended)

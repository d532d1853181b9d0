"""One child process on its own pseudo-terminal, driven from an asyncio loop.

The child starts in a new session with the pty's slave as its controlling
terminal, so a hang-up reaches it (and only it) and Textual sees a real
terminal. The parent keeps the master end non-blocking and copies bytes:
output is read only while the consumer keeps up (`pause_output`), input is
buffered until the child takes it.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import pty
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from tutor.locations import ROOM_LINK_ENV

READ_CHUNK = 64 * 1024
MAX_PENDING_INPUT = 256 * 1024
"""Input the child has not read yet beyond this is dropped (a runaway paste)."""


def _take_terminal() -> None:
    # Runs in the child after setsid(): fd 0 is the pty slave; make it the
    # controlling terminal so SIGHUP and SIGWINCH are delivered by the kernel.
    # One ioctl on an imported module: it takes no lock another thread of the
    # server could have held at fork time, which is what makes preexec_fn
    # unsafe in general.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def set_size(fd: int, cols: int, rows: int) -> None:
    """Set the pty's window size; the kernel sends SIGWINCH to the child's
    foreground process group when it changes."""
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class Launcher(Protocol):
    """Starts a process on a pty slave elsewhere (the fork server)."""

    @property
    def alive(self) -> bool: ...

    async def spawn(self, argv: Sequence[str], env: Mapping[str, str], slave: int,
                    link: int | None = None) -> tuple[int, asyncio.Future[int]]: ...


def _popen(argv: Sequence[str], env: Mapping[str, str], slave: int, link: int | None = None
           ) -> tuple[int, asyncio.Future[int]]:
    """Start `argv` on `slave` directly (handing down `link` under its own
    number); the future gets its exit status."""
    loop = asyncio.get_running_loop()
    env = dict(env) if link is None else {**env, ROOM_LINK_ENV: str(link)}
    process = subprocess.Popen(
        list(argv), stdin=slave, stdout=slave, stderr=slave, env=env,
        start_new_session=True, preexec_fn=_take_terminal,  # noqa: PLW1509
        close_fds=True, pass_fds=() if link is None else (link,))
    done: asyncio.Future[int] = loop.create_future()

    def reap() -> None:
        code = process.poll()
        if code is not None and not done.done():
            done.set_result(code)

    try:
        pidfd = os.pidfd_open(process.pid)
    except (AttributeError, OSError):  # no pidfd: a thread waits instead
        loop.run_in_executor(None, process.wait).add_done_callback(
            lambda _: loop.call_soon_threadsafe(reap))
    else:
        loop.add_reader(pidfd, reap)

        def forget(_: object) -> None:
            loop.remove_reader(pidfd)
            os.close(pidfd)

        done.add_done_callback(forget)
    return process.pid, done


class PtyChild:
    """A process on a pty: `output` gets what it writes, `exited` its status."""

    def __init__(self, pid: int, master: int, done: asyncio.Future[int],
                 output: Callable[[bytes], None], exited: Callable[[int], None]) -> None:
        self._loop = asyncio.get_running_loop()
        self.pid = pid
        self._master = master
        self._done = done
        self._output = output
        self._exited = exited
        self._pending = bytearray()
        self._reading = False
        self._paused = False
        self.started = time.monotonic()
        self.returncode: int | None = None
        os.set_blocking(master, False)
        self._start_reading()
        done.add_done_callback(self._on_exit)

    @classmethod
    async def start(cls, argv: Sequence[str], env: Mapping[str, str], cols: int, rows: int,
                    output: Callable[[bytes], None], exited: Callable[[int], None],
                    launcher: Launcher | None = None, link: int | None = None) -> PtyChild:
        """Open a pty sized `cols` x `rows` and start `argv` on it, through the
        launcher while it is alive, else directly; `link` (a descriptor of the
        room writer's) is handed down to the child."""
        master, slave = pty.openpty()
        try:
            set_size(slave, cols, rows)
            if launcher is not None and launcher.alive:
                pid, done = await launcher.spawn(argv, env, slave, link)
            else:
                pid, done = _popen(argv, env, slave, link)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        return cls(pid, master, done, output, exited)
    # -- output -------------------------------------------------------------

    def _start_reading(self) -> None:
        if not self._reading and not self._paused and self._master >= 0:
            self._loop.add_reader(self._master, self._readable)
            self._reading = True

    def _stop_reading(self) -> None:
        if self._reading:
            self._loop.remove_reader(self._master)
            self._reading = False

    def _readable(self) -> None:
        try:
            data = os.read(self._master, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError as exc:  # EIO: every slave end closed, the child is gone
            if exc.errno != errno.EIO:
                raise
            data = b""
        if not data:
            self._stop_reading()
            return
        self._output(data)

    def pause_output(self) -> None:
        """The consumer lags: stop reading, so the child blocks on its own writes."""
        self._paused = True
        self._stop_reading()

    def resume_output(self) -> None:
        self._paused = False
        self._start_reading()

    # -- input --------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if self._master < 0 or self.returncode is not None:
            return
        room = MAX_PENDING_INPUT - len(self._pending)
        if room <= 0:
            return
        was_empty = not self._pending
        self._pending += data[:room]
        if was_empty:
            self._flush()

    def _flush(self) -> None:
        try:
            sent = os.write(self._master, self._pending)
        except BlockingIOError:
            sent = 0
        except OSError:  # the child is gone; its exit is reported separately
            self._pending.clear()
            sent = 0
        del self._pending[:sent]
        if self._pending:
            self._loop.add_writer(self._master, self._flush)
        else:
            self._loop.remove_writer(self._master)

    def resize(self, cols: int, rows: int) -> None:
        if self._master >= 0:
            set_size(self._master, cols, rows)

    # -- lifetime -----------------------------------------------------------

    def _on_exit(self, done: asyncio.Future[int]) -> None:
        code = done.result() if not done.cancelled() else -1
        if not self._paused:  # hand over what the child wrote last (its goodbye)
            for _ in range(16):
                try:
                    data = os.read(self._master, READ_CHUNK)
                except OSError:
                    break
                if not data:
                    break
                self._output(data)
        self.returncode = code
        self._close_master()
        self._exited(code)

    def _close_master(self) -> None:
        if self._master >= 0:
            self._stop_reading()
            self._loop.remove_writer(self._master)
            os.close(self._master)
            self._master = -1

    def signal(self, signum: int) -> None:
        """Send `signum` to the child's whole process group (it leads its session)."""
        if self.returncode is None:
            try:
                os.killpg(self.pid, signum)
            except ProcessLookupError:
                pass

    async def hang_up(self, grace: float) -> int:
        """SIGHUP, then SIGKILL if the child outlives `grace` seconds; reaped either way."""
        if self.returncode is None:
            self.signal(signal.SIGHUP)
            try:
                await asyncio.wait_for(asyncio.shield(self._done), grace)
            except TimeoutError:
                self.signal(signal.SIGKILL)
                await self._done
        return await self._done

    async def wait(self) -> int:
        return await asyncio.shield(self._done)

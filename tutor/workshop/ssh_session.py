"""One SSH session channel of `dltutor serve`: a dltutor child on a pty,
sized and resized with the client, fed through a lenient UTF-8 decoder, and
hung up when the client leaves; or a polite refusal (a command, a
subsystem, no pty, a full room).
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import TYPE_CHECKING

import asyncssh

from tutor.workshop import policy
from tutor.workshop.policy import InputDecoder
from tutor.workshop.pty_child import PtyChild

if TYPE_CHECKING:
    from tutor.workshop.server import Connection

# Written to a client's terminal when the server ends a session the app could
# not end itself (hang-up): leave the alternate screen, stop mouse and paste
# reporting, show the cursor, reset colours.
TERMINAL_RESET = (b"\x1b[?1049l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"
                  b"\x1b[?1004l\x1b[?2004l\x1b[<u\x1b[?25h\x1b[0m\r\n")


class Session(asyncssh.SSHServerSession):  # type: ignore[type-arg]
    """One SSH session channel: a dltutor child on a pty, or a polite refusal."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.server = connection.server
        self.record = connection.record
        self.chan: asyncssh.SSHServerChannel | None = None  # type: ignore[type-arg]
        self.child: PtyChild | None = None
        self.term: str | None = None
        self.size = (80, 24)
        self.refusal: str | None = None
        self.decoder = InputDecoder()
        self.last_input = time.monotonic()
        self._goodbye: str | None = None
        self.starting: asyncio.Task[None] | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:  # type: ignore[type-arg]
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int],
                      term_modes: object) -> bool:
        self.term = policy.sanitise_term(term_type)
        self.size = policy.clamp_size(term_size[0], term_size[1])
        self.record.term = self.term
        self.record.size = f"{self.size[0]}x{self.size[1]}"
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        # Accepted only to say why not: a refused request leaves the client
        # with a bare "exec request failed".
        self.refusal = ("dltutor: this server runs the tutor only, no commands; "
                        f"connect with: ssh -t -p {self.server.port} NICKNAME@HOST")
        self.record.ended = "refused: command"
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        self.record.ended = f"refused: subsystem {subsystem[:20]}"
        return False

    def session_started(self) -> None:
        assert self.chan is not None
        if self.refusal is None and self.term is None:
            self.refusal = ("dltutor needs an interactive terminal: ssh -t -p "
                            f"{self.server.port} NICKNAME@HOST")
            self.record.ended = "refused: no pty"
        limits = self.server.settings.limits
        if self.refusal is None and len(self.server.sessions) >= limits.max_sessions:
            self.refusal = (f"The room is full ({limits.max_sessions} sessions). "
                            "Please try again in a few minutes.")
            self.record.ended = "refused: room full"
        if self.refusal is None and self.server.closing:
            self.refusal = "The workshop server is stopping."
            self.record.ended = "refused: stopping"
        if self.refusal is not None:
            self._say(self.refusal)
            self.chan.exit(1)
            return
        settings = self.server.settings
        env = policy.child_env(self.term, self.chan.get_environment(),
                               room_dir=settings.room_dir, cache_dir=settings.cache_dir,
                               base=os.environ)
        self.server.sessions.add(self)
        self.record.ended = "starting"
        self.starting = asyncio.ensure_future(self._start(settings.child_argv(
            self.record.nickname), env))

    async def _start(self, argv: list[str], env: dict[str, str]) -> None:
        size = self.size
        link = None
        try:
            assert self.server.writer is not None
            link = self.server.writer.link(self.record.nickname)
            self.child = await PtyChild.start(argv, env, *size, output=self._output,
                                              exited=self._exited,
                                              launcher=self.server.launcher,
                                              link=link.fileno())
        except (OSError, ConnectionError) as exc:
            self.server.sessions.discard(self)
            self.record.ended = f"could not start: {exc}"
            if self.chan is not None:
                self._say("dltutor: the tutor could not start; tell the instructor")
                self.chan.exit(1)
            return
        finally:
            self.starting = None
            if link is not None:
                link.close()  # the child has its own copy; the server serves the other end
        self.record.ended = "running"
        if self.size != size:  # resized while starting
            self.child.resize(*self.size)
        if self.chan is None:  # left while starting
            self._goodbye = "disconnected"
            self.record.ended = "client left"
            self.server.spawn(self.child.hang_up(self.server.settings.limits.hangup_grace))

    def _say(self, message: str) -> None:
        """A line for the participant: on their terminal if they have one (it
        is the screen they look at), else on stderr, apart from any output."""
        assert self.chan is not None
        line = message.encode() + b"\r\n"
        if self.term is not None:
            self.chan.write(line)
        else:
            self.chan.write_stderr(line)

    def _output(self, data: bytes) -> None:
        self.record.bytes_out += len(data)
        if self.chan is not None and not self.chan.is_closing():
            self.chan.write(data)

    def _exited(self, code: int) -> None:
        self.server.sessions.discard(self)
        if self._goodbye is None and self.record.ended == "running":
            self.record.ended = "quit" if code == 0 else f"app ended with status {code}"
        if self.chan is None or self.chan.is_closing():
            return
        if self._goodbye is not None:
            self.chan.write(TERMINAL_RESET + f"dltutor: {self._goodbye}.\r\n".encode())
        self.chan.exit(0 if code == 0 else 1)

    def end(self, message: str, ended: str) -> None:
        """End the session from the server's side, telling the participant why."""
        if self.child is None or self._goodbye is not None:
            return
        self._goodbye = message
        self.record.ended = ended
        self.server.spawn(self.child.hang_up(self.server.settings.limits.hangup_grace))

    def data_received(self, data: bytes, datatype: object) -> None:
        self.last_input = time.monotonic()
        if self.child is not None:
            self.child.write(self.decoder.feed(data))

    def terminal_size_changed(self, width: int, height: int, pixwidth: int,
                              pixheight: int) -> None:
        self.size = policy.clamp_size(width, height)
        self.record.size = f"{self.size[0]}x{self.size[1]}"
        if self.child is not None:
            self.child.resize(*self.size)

    def pause_writing(self) -> None:
        if self.child is not None:
            self.child.pause_output()

    def resume_writing(self) -> None:
        if self.child is not None:
            self.child.resume_output()

    def break_received(self, msec: int) -> bool:
        return True  # ignored: the app has its own keys

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self.child is not None and self.child.returncode is None:
            if self._goodbye is None:
                self.record.ended = "client left"
            self._goodbye = self._goodbye or "disconnected"
            self.server.spawn(self.child.hang_up(self.server.settings.limits.hangup_grace))
        self.chan = None

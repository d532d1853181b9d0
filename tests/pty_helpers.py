"""Run dltutor in a real pseudo-terminal, as a learner's terminal would."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path


class PtyApp:
    """`python -m tutor ARGS` on a pty of `size`; read its output, send it bytes."""

    def __init__(self, args: list[str], size: tuple[int, int] = (80, 24),
                 env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
        master, slave = pty.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        full_env.pop("TEXTUAL_DRIVER", None)
        self.process = subprocess.Popen([sys.executable, "-m", "tutor", *args], stdin=slave,
                                        stdout=slave, stderr=slave, env=full_env, cwd=cwd,
                                        start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.output = b""

    def read_until(self, marker: bytes, timeout: float = 120.0) -> bool:
        """Read output until `marker` appears after what was read before (or timeout)."""
        start = len(self.output)
        deadline = time.monotonic() + timeout
        while marker not in self.output[start:]:
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(min(left, 0.5)) and self.process.poll() is not None:
                return marker in self.output[start:]
        return True

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.output += chunk
        return bool(chunk)

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def wait(self, timeout: float = 120.0) -> int:
        """The exit status, reading output meanwhile so the child never blocks on it."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        while self._read(0.05) and select.select([self.fd], [], [], 0)[0]:
            pass
        return self.process.wait(max(0.1, deadline - time.monotonic()))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.fd)

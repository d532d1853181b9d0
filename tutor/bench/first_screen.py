"""Time to the first screen: dltutor's library against a hello-world Textual app.

Both start in a fresh process on a 100x30 pseudo-terminal, in alternation,
and the clock stops when the first frame's text arrives (the library's
title bar; "hello" for the reference app). The ratio of the medians says
what dltutor adds before its first frame beyond importing Textual.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("hello-ready")

Hello().run()
"""


def time_to_text(argv: list[str], marker: bytes, size: tuple[int, int] = (100, 30),
                 env: dict[str, str] | None = None, timeout: float = 60.0) -> float:
    """Seconds from starting `argv` on a pty until `marker` is written to it."""
    master, slave = pty.openpty()
    columns, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                             env={**os.environ, "TERM": "xterm-256color", **(env or {})},
                             start_new_session=True)
    os.close(slave)
    seen = b""
    try:
        while marker not in seen:
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"{argv} did not show {marker!r} in {timeout:g} s")
            if select.select([master], [], [], 0.5)[0]:
                seen = seen[-len(marker):] + os.read(master, 65536)
        return time.perf_counter() - start
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        os.close(master)


RUNS = 15
"""Starts of each, alternated: one start varies by 100 ms and more on a busy
machine, and seven pairs gave ratios from 1.2 to 1.5 for the same code."""


def measure(runs: int = RUNS) -> dict[str, float]:
    """Median seconds to the first screen of each, and their ratio."""
    python = sys.executable
    hello, tutor = [], []
    with tempfile.TemporaryDirectory() as state:
        env = {"DLTUTOR_STATE_DIR": state}
        # Warm the file cache, and let the warm-up write the bytecode of what
        # the first screen imports: Textual's was compiled when it was
        # installed, but an editable install (or PYTHONDONTWRITEBYTECODE)
        # would leave dltutor compiling its modules at every start.
        time_to_text([python, "-m", "tutor"], b"library",
                     env={**env, "PYTHONDONTWRITEBYTECODE": ""})
        time_to_text([python, "-c", HELLO], b"hello-ready")
        for _ in range(runs):
            hello.append(time_to_text([python, "-c", HELLO], b"hello-ready"))
            tutor.append(time_to_text([python, "-m", "tutor"], b"library", env=env))
    hello_s, tutor_s = statistics.median(hello), statistics.median(tutor)
    return {"hello_ms": hello_s * 1000, "dltutor_ms": tutor_s * 1000, "ratio": tutor_s / hello_s}


def main() -> int:
    result = measure()
    print(f"first screen, median of {RUNS} in a 100x30 pty: hello-world Textual "
          f"{result['hello_ms']:.0f} ms, dltutor library {result['dltutor_ms']:.0f} ms, "
          f"ratio {result['ratio']:.2f} (goal <= 1.3)")
    return 0

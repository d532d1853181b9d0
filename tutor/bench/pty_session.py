"""Run one program in a pseudo-terminal and measure what it sends to it.

`measure_session` starts the program on the slave side of a new pty of a
given size, reads everything it writes (as a terminal emulator would, so it
never blocks on a full buffer), presses keys now and then, and returns
what was seen: bytes and their times, CPU time of the process, key-to-output
latencies, and the moments recorded in its events file (`tutor.events`).
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

TAIL_BYTES = 4096

SILENT_AFTER_S = 1.0
"""A key press that draws nothing for this long is counted as silent."""

BURST_GAP_S = 0.004
"""Writes closer together than this belong to one frame (one output burst):
Textual writes a frame in one go, which a pty may hand over in pieces."""

KEY_BYTES: dict[str, bytes] = {
    "space": b" ", "enter": b"\r", "tab": b"\t", "escape": b"\x1b",
    "up": b"\x1b[A", "down": b"\x1b[B", "right": b"\x1b[C", "left": b"\x1b[D",
    "plus": b"+", "minus": b"-", "equals_sign": b"=", "left_square_bracket": b"[",
    "right_square_bracket": b"]", "comma": b",", "full_stop": b".", "slash": b"/",
}
"""Textual key names -> what a terminal sends for them (single letters and
digits are sent as themselves)."""


def key_bytes(key: str) -> bytes | None:
    """The bytes a terminal sends for a Textual key name; None if unknown."""
    if len(key) == 1 and key.isprintable():
        return key.encode()
    return KEY_BYTES.get(key)


@dataclass
class Session:
    """What one run of the program looked like from its terminal."""

    started: float
    """time.monotonic() when the program was started."""
    ended: float = 0.0
    writes: list[tuple[float, int]] = field(default_factory=list)
    """(monotonic time, bytes) of every read from the terminal."""
    cpu_s: float = 0.0
    """CPU time (user + system) of the process from start to `ended`."""
    window_start: float | None = None
    """Start of the measured window: `settle_s` after the first output (None: no output)."""
    cpu_window: tuple[float, float] = (0.0, 0.0)
    """CPU seconds and wall seconds over the measured window."""
    key_latencies_s: list[float] = field(default_factory=list)
    silent_keys: int = 0
    """Key presses after which nothing was drawn within `SILENT_AFTER_S` (left
    out of the latencies: a key with nothing to change, e.g. "1" on tab 1)."""
    events: list[dict[str, object]] = field(default_factory=list)
    exit_code: int | None = None
    tail: bytes = b""
    """The last bytes written (at most `TAIL_BYTES`): what went wrong, if anything did."""


def _cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process, from /proc (Linux); None elsewhere or once gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat, after "(comm)"
    return ticks / os.sysconf("SC_CLK_TCK")


def _read_events(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short at exit
    return events


def measure_session(
    argv: Sequence[str],
    *,
    seconds: float,
    size: tuple[int, int] = (100, 30),
    keys: Sequence[bytes] = (),
    key_every_s: float = 0.5,
    settle_s: float = 1.0,
    opening: bytes = b"",
    env: Mapping[str, str] | None = None,
    events_file: Path,
    quit_bytes: bytes = b"\x11",
    keys_after_event: str | None = None,
    keys_after_s: float = 10.0,
) -> Session:
    """Run `argv` in a `size` (columns, rows) pty for `seconds`.

    The measured window starts `settle_s` after the program's first output
    (so that startup and the first full paint stay out of it). From then on
    the keys are pressed in turn, one every `key_every_s`, each when the
    output has been quiet for a moment, and the time to the next byte of
    output is kept (`opening`, if any, is sent once as the window starts and
    not timed: e.g. the key that brings a demo on screen); CPU is measured over the window.
    With `keys_after_event`, keys wait until the program records that event
    (e.g. "lesson": a learner watches a demo before trying its keys), or until
    `keys_after_s` after the window's start. Then `quit_bytes` (ctrl+q) is
    sent; a program still running 5 s later is terminated.
    """
    columns, rows = size
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    full_env = dict(os.environ if env is None else env)
    full_env["DLTUTOR_EVENTS"] = str(events_file)
    full_env.setdefault("TERM", "xterm-256color")
    session = Session(started=time.monotonic())
    process = subprocess.Popen(
        list(argv), stdin=slave, stdout=slave, stderr=slave, env=full_env,
        start_new_session=True, close_fds=True,
    )
    os.close(slave)
    try:
        wait = None if keys_after_event is None else _EventWait(events_file, keys_after_event,
                                                                keys_after_s)
        _drive(process, master, session, seconds, keys, key_every_s, settle_s, opening, wait)
        session.cpu_s = _cpu_seconds(process.pid) or 0.0
        try:
            os.write(master, quit_bytes)
        except OSError:
            pass
        _drain_until_exit(process, master, session, timeout_s=5.0)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(5.0)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        os.close(master)
    session.exit_code = process.returncode
    session.events = _read_events(events_file)
    return session


def _read_available(master: int, session: Session, timeout_s: float) -> int:
    """Read what the program wrote within `timeout_s`; returns bytes read."""
    ready, _, _ = select.select([master], [], [], max(timeout_s, 0.0))
    if not ready:
        return 0
    try:
        data = os.read(master, 65536)
    except OSError:  # the program closed its terminal
        return -1
    if data:
        session.writes.append((time.monotonic(), len(data)))
        session.tail = (session.tail + data)[-TAIL_BYTES:]
    return len(data) if data else -1


class _EventWait:
    """Whether keys may start: an event seen in the events file, or a time passed."""

    def __init__(self, path: Path, event: str, give_up_s: float) -> None:
        self.path, self.event, self.give_up_s = path, event, give_up_s
        self.seen = False
        self._checked = 0.0

    def over(self, now: float, window_start: float) -> bool:
        if self.seen or now - window_start >= self.give_up_s:
            return True
        if now - self._checked >= 0.05:  # a small file, read 20 times a second at most
            self._checked = now
            self.seen = any(e.get("event") == self.event for e in _read_events(self.path))
        return self.seen


def _drive(process: subprocess.Popen[bytes], master: int, session: Session, seconds: float,
           keys: Sequence[bytes], key_every_s: float, settle_s: float,
           opening: bytes = b"", wait: _EventWait | None = None) -> None:
    deadline = session.started + seconds
    opened = not opening
    cpu_at_settle: float | None = None
    key_index = 0
    waiting_since: float | None = None  # a key was sent, no output since
    next_key_at = 0.0
    while time.monotonic() < deadline and process.poll() is None:
        now = time.monotonic()
        if session.window_start is None and session.writes:
            session.window_start = next_key_at = session.writes[0][0] + settle_s
        settled = session.window_start is not None and now >= session.window_start
        if cpu_at_settle is None and settled:
            cpu_at_settle = _cpu_seconds(process.pid)
        if settled and not opened:
            os.write(master, opening)
            opened = True
            next_key_at = now + key_every_s
        quiet = now - session.writes[-1][0] > BURST_GAP_S * 2 if session.writes else False
        start = session.window_start
        may_press = (start is not None and now >= start
                     and (wait is None or wait.over(now, start)))
        if keys and may_press and waiting_since is None and now >= next_key_at and quiet:
            os.write(master, keys[key_index % len(keys)])
            key_index += 1
            waiting_since = time.monotonic()
            next_key_at = waiting_since + key_every_s
        if waiting_since is not None and now - waiting_since > SILENT_AFTER_S:
            session.silent_keys += 1
            waiting_since = None
        got = _read_available(master, session, min(0.002, max(deadline - now, 0.0)))
        if got < 0:
            break
        if got and waiting_since is not None:
            session.key_latencies_s.append(session.writes[-1][0] - waiting_since)
            waiting_since = None
    session.ended = time.monotonic()
    cpu_now = _cpu_seconds(process.pid)
    if cpu_at_settle is not None and cpu_now is not None and session.window_start is not None:
        session.cpu_window = (cpu_now - cpu_at_settle, session.ended - session.window_start)


def _drain_until_exit(process: subprocess.Popen[bytes], master: int, session: Session,
                      timeout_s: float) -> None:
    """Keep reading (a program writing to a full pty would block) until it exits."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        throwaway = Session(started=0.0)
        if _read_available(master, throwaway, 0.05) < 0:
            break
    try:
        process.wait(max(deadline - time.monotonic(), 0.0))
    except subprocess.TimeoutExpired:
        pass  # the caller terminates it

"""dltutor in a real pseudo-terminal: odd bytes, signals, crashes."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from pty_helpers import PtyApp

LIBRARY = b"library"


@pytest.fixture
def run(good_content: Path, tmp_path: Path) -> Iterator[PtyApp]:
    apps: list[PtyApp] = []

    def start(*extra: str) -> PtyApp:
        app = PtyApp(["--content", str(good_content), "--state-dir", str(tmp_path / "state"),
                      *extra])
        apps.append(app)
        return app

    yield start  # type: ignore[misc]
    for app in apps:
        app.close()


def test_a_stray_byte_that_is_not_utf8_is_survived(run) -> None:  # type: ignore[no-untyped-def]
    app = run()
    assert app.read_until(LIBRARY)
    app.send(b"\xff")
    app.send(b"\xe9\xc3")
    app.send(b"?")  # still answering: the keys dialog opens
    assert app.read_until(b"Keys on this screen")
    app.send(b"q")
    assert app.wait() == 0
    assert b"Traceback" not in app.output and b"UnicodeDecodeError" not in app.output


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_a_signal_restores_the_terminal_and_keeps_progress(run, signum: int,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    from tutor.progress import ProgressStore

    app = run("alpha")
    assert app.read_until(b"slide 1 of 4")
    app.send(b"\x1b[C")  # right: slide 2
    assert app.read_until(b"slide 2 of 4")
    app.process.send_signal(signum)
    assert app.wait() == 128 + signum
    tail = app.output[app.output.rindex(b"slide 2 of 4"):]
    for restore in (b"\x1b[?1049l", b"\x1b[?25h", b"\x1b[?1000l"):  # main screen, cursor, mouse
        assert restore in tail
    store, _ = ProgressStore.open(tmp_path / "state", None)
    assert store.last_slide("alpha") == "a2"


async def test_a_crash_makes_the_process_exit_non_zero(good_content: Path,
                                                       options_for) -> None:  # type: ignore[no-untyped-def]
    from tutor.cli import exit_status
    from tutor.ui.startup import make_app

    app = make_app(options_for(good_content))
    async with app.run_test() as pilot:
        await pilot.pause()
        app.panic("something unexpected")
    assert exit_status(app) == 1


async def test_a_terminal_gone_while_restoring_keeps_the_hang_up_status(
        good_content: Path, options_for) -> None:  # type: ignore[no-untyped-def]
    """After a hang-up, restoring the terminal fails (EIO): the exit status is still 129."""
    import contextlib
    import errno

    from tutor.cli import exit_status
    from tutor.ui.startup import make_app

    def terminal_gone() -> None:
        raise OSError(errno.EIO, "Input/output error")

    app = make_app(options_for(good_content))
    with contextlib.suppress(OSError):  # Textual's test harness raises what failed
        async with app.run_test() as pilot:
            await pilot.pause()
            app._driver.stop_application_mode = terminal_gone  # type: ignore[method-assign,union-attr]
            app.end_on_signal(signal.SIGHUP)
    assert exit_status(app) == 128 + signal.SIGHUP


def test_the_driver_does_not_restore_a_terminal_that_is_gone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from textual.drivers.linux_driver import LinuxDriver

    from tutor.ui.driver import LenientDriver

    calls: list[str] = []

    def terminal_gone(self: LinuxDriver) -> None:
        calls.append("restore")
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(LinuxDriver, "stop_application_mode", terminal_gone)
    LenientDriver.__new__(LenientDriver).stop_application_mode()  # raises nothing
    assert calls == ["restore"]


STORM_PIECES = [b"\r", b"\r\r", b"\x1b", b"\x1b\x1b", b"\xff", b"\xe9", b"\xc3", b"\x1b[A",
                b"\x1b[B", b"\x1b[C", b"\x1b[D", b"\x1b[5~", b"\x1b[6~", b"t", b"g", b"?",
                b"\t", b" ", b"1", b"x", b"c"]
"""Bytes a storm is made of: keys that open and close things, doubled Enter and
Escape, bytes that are not UTF-8, cut escape sequences. Never 'q' or Ctrl-C, and
never 'd': a live demo's first run compiles its kernels, a test of its own."""


@pytest.mark.parametrize("seed", [1, 2])
def test_a_storm_of_resizes_and_raw_bytes_leaves_the_app_running_and_answering(
        run, seed: int) -> None:  # type: ignore[no-untyped-def]
    import fcntl
    import os
    import random
    import struct
    import termios

    rng = random.Random(seed)
    app = run("alpha", "--slide", "3")
    assert app.read_until(b"slide 3 of 4")
    sizes = [(1, 1), (5, 2), (200, 60), (20, 10), (1, 1)] * 3 + [(80, 24)]
    for columns, rows in sizes:  # down to 1x1 and back: the same slide comes back
        fcntl.ioctl(app.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        os.kill(app.process.pid, signal.SIGWINCH)
    assert app.read_until(b"slide 3 of 4")
    storm = b"".join(rng.choice(STORM_PIECES) for _ in range(2000)) + b"x"  # no Escape last
    for start in range(0, len(storm), 97):  # reads of any size, cut anywhere
        app.send(storm[start:start + 97])
    for _ in range(40):  # still answering (a key the paste budget dropped is sent again)
        app.send(b"?")
        if app.read_until(b"Keys on this screen", timeout=3):
            break
    shown = re.sub(rb"\x1b\[[0-9;?<>$]*[A-Za-z~]", b"", app.output[-3000:]).decode(
        "utf-8", "replace")
    assert app.process.poll() is None, shown
    assert b"Keys on this screen" in app.output, shown
    assert b"Traceback" not in app.output

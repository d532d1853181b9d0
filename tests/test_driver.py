"""Bytes from the terminal that are not UTF-8 do not end the app; a terminal
that goes away does."""

from __future__ import annotations

import os
import select
import selectors
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from textual import events
from textual.drivers.linux_driver import LinuxDriver

from tutor.ui.driver import LenientDriver, QuietSelector


def _stop_input(driver: LinuxDriver) -> None:
    """What `disable_input` does to end the input loop, without a terminal."""
    driver.exit_event.set()
    if isinstance(driver, LenientDriver):
        driver.wake_input()


def _feed(driver_class: type[LinuxDriver], data: bytes) -> tuple[list[str], BaseException | None]:
    """Run the driver's input loop on `data`; the keys it produced and what it raised."""
    read, write = os.pipe()
    driver = driver_class.__new__(driver_class)  # the input loop needs only these
    driver.fileno = read
    driver.exit_event = threading.Event()
    driver._debug = False
    keys: list[str] = []
    got_end = threading.Event()

    def collect(message: object) -> None:
        if isinstance(message, events.Key):
            keys.append(message.character or message.key)
            if message.character == "z":
                got_end.set()

    driver.process_message = collect  # type: ignore[method-assign]
    raised: list[BaseException] = []

    def run() -> None:
        try:
            driver.run_input_thread()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            raised.append(exc)
            got_end.set()

    thread = threading.Thread(target=run)
    thread.start()
    os.write(write, data + b"z")
    got_end.wait(30)
    _stop_input(driver)
    thread.join(30)
    os.close(read)
    os.close(write)
    return keys, raised[0] if raised else None


@pytest.mark.parametrize("data", [b"a\xffb", b"\xe9t\xe9", b"\xc3"])
def test_bytes_that_are_not_utf8_become_a_replacement_character(data: bytes) -> None:
    keys, raised = _feed(LenientDriver, data)
    assert raised is None
    assert "\ufffd" in keys and keys[-1] == "z"


def test_an_old_mouse_report_past_column_95_is_survived() -> None:
    keys, raised = _feed(LenientDriver, b"\x1b[M \xff\xff")
    assert raised is None and keys[-1] == "z"


def test_textual_alone_would_have_died() -> None:
    _, raised = _feed(LinuxDriver, b"a\xffb")
    assert isinstance(raised, UnicodeDecodeError)


def test_a_paste_typed_as_keys_is_cut_to_a_persons_pace() -> None:
    from tutor.ui.driver import KeyBudget

    now = [0.0]
    budget = KeyBudget(burst=64, rate=100.0, clock=lambda: now[0])
    assert sum(budget.take() for _ in range(100_000)) == 64  # one read of a huge paste
    now[0] += 0.5
    assert sum(budget.take() for _ in range(1000)) == 50
    for _ in range(200):  # someone typing fast, 30 keys a second, is never cut
        now[0] += 1 / 30
        assert budget.take()


def test_the_driver_drops_keys_beyond_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.driver import Driver

    kept: list[object] = []
    focused = threading.Event()

    def collect(self: object, message: object) -> None:
        kept.append(message)
        if isinstance(message, events.AppFocus):
            focused.set()

    monkeypatch.setattr(Driver, "process_message", collect)
    read, write = os.pipe()
    driver = LenientDriver.__new__(LenientDriver)
    driver.fileno, driver.exit_event, driver._debug = read, threading.Event(), False
    driver._in_band_window_resize = False
    thread = threading.Thread(target=driver.run_input_thread)
    thread.start()
    for _ in range(25):  # 100 KB, as a terminal without bracketed paste sends it
        os.write(write, b"x" * 4096)
    os.write(write, b"\x1b[I")  # focus came back: not a key, never dropped
    assert focused.wait(120)
    _stop_input(driver)
    thread.join(30)
    os.close(read)
    os.close(write)
    keys = [m for m in kept if isinstance(m, events.Key)]
    assert 64 <= len(keys) < 25 * 4096 // 10


def test_a_terminal_that_goes_away_without_a_hang_up_ends_the_app(tmp_path: Path) -> None:
    """A pty that is not the app's controlling terminal sends no SIGHUP when its
    other end closes; reads then fail with EIO. The app must end, not spin."""
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tutor", "--state-dir", str(tmp_path / "state")],
        stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
        env={**os.environ, "TERM": "xterm-256color"})
    os.close(slave)
    try:
        seen = b""
        deadline = time.monotonic() + 120  # a guard against hangs on a busy machine
        while b"Quit" not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                seen += os.read(master, 65536)
        assert b"Quit" in seen, "the library never appeared"
        os.close(master)
        process.wait(timeout=60)  # raises if the app is still running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


class _RecordingSelector:
    """Stands in for the select call: records each timeout it is given."""

    def __init__(self, ready: list[object]) -> None:
        self.ready, self.timeouts = ready, []

    def select(self, timeout: float | None) -> list[object]:
        self.timeouts.append(timeout)
        return self.ready


def test_the_input_loop_sleeps_while_the_terminal_is_quiet() -> None:
    now = [0.0]
    selector = QuietSelector(linger=0.5, clock=lambda: now[0])
    fake = _RecordingSelector([])
    inner, selector._inner = selector._inner, fake  # type: ignore[assignment]
    try:
        selector.select(0.1)  # just started: the terminal is answering queries
        now[0] = 1.0
        selector.select(0.1)  # quiet: wait for the next byte, however long
        fake.ready = [(selectors.SelectorKey(0, 0, selectors.EVENT_READ, None),
                       selectors.EVENT_READ)]
        assert selector.select(None)  # input: a lone Escape may follow...
        fake.ready = []
        selector.select(0.1)  # ...so the loop ticks again for a moment
        now[0] = 1.6
        selector.select(0.1)
        selector._closing = True  # what wake() sets: the loop must see its exit flag
        selector.select(0.1)
        assert fake.timeouts == [0.1, None, None, 0.1, None, 0.1]
    finally:
        selector._inner = inner
        selector.close()


def test_a_lone_escape_is_reported_from_a_quiet_loop_and_input_stops_when_asked() -> None:
    read, write = os.pipe()
    driver = LenientDriver.__new__(LenientDriver)
    driver.fileno, driver.exit_event, driver._debug = read, threading.Event(), False
    driver._in_band_window_resize = False
    escape = threading.Event()

    def collect(message: object) -> None:
        if isinstance(message, events.Key) and message.key == "escape":
            escape.set()

    driver.process_message = collect  # type: ignore[method-assign]
    thread = threading.Thread(target=driver.run_input_thread)
    thread.start()
    while driver._input_selector is None:
        time.sleep(0.01)
    driver._input_selector._busy_until = 0.0  # as after a quiet while: asleep in select
    os.write(write, b"\x1b")  # Escape alone: reported once no byte follows it
    assert escape.wait(30)
    _stop_input(driver)  # asleep or not, the loop ends when asked
    thread.join(30)
    assert not thread.is_alive()
    os.close(read)
    os.close(write)

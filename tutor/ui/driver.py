"""Textual's Linux driver, made to survive input that is not UTF-8.

Textual decodes the terminal's bytes with a strict UTF-8 decoder (upstream
issue #6456): one stray byte (a Latin-1 terminal, Alt sending the 8th bit,
an old-style mouse report past column 95) raises in the input thread and
ends the app. `LenientDriver` runs Textual's own input loop unchanged, with
two names in its globals swapped: its decoder factory makes decoders with
errors="replace", so a bad byte becomes U+FFFD, a key nothing is bound to;
and its `os.read` treats a terminal that went away as a hang-up.
Copying the loop would drift from Textual; patching the module would change
it for every app in the process. If a future Textual renames the factory,
the swap is a no-op and the stock behaviour remains.

The same swap gives the loop a selector that sleeps while the terminal is
quiet. Textual's loop wakes ten times a second to time out a lone Escape;
in a room of 30 idle sessions that was 300 wake-ups a second, the largest
part of the room's idle CPU. `QuietSelector` keeps that pace only for a
moment after input (while an Escape may be pending) and otherwise waits for
the next byte, or for the driver to wake it when input is switched off.
"""

from __future__ import annotations

import codecs
import errno
import os
import selectors
import signal
import threading
import time
import types
from collections.abc import Callable
from typing import Any

from textual import constants, events
from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message


def lenient_incremental_decoder(encoding: str) -> Callable[[], codecs.IncrementalDecoder]:
    """Like `codecs.getincrementaldecoder`, but its decoders replace bad bytes."""
    factory = codecs.getincrementaldecoder(encoding)
    return lambda: factory(errors="replace")


def _read_terminal(fd: int, size: int) -> bytes:
    """`os.read`, except that a terminal gone without a hang-up signal (EOF,
    or EIO from a pty whose other end closed) ends the app as SIGHUP would.

    Textual's loop would otherwise select the dead descriptor as readable
    forever and spin a core, long after its learner left.
    """
    try:
        data = os.read(fd, size)
    except OSError as exc:
        if exc.errno != errno.EIO:
            raise
        data = b""
    if not data:
        global _hung_up  # noqa: PLW0603 - one hang-up per process
        if not _hung_up:
            _hung_up = True
            os.kill(os.getpid(), signal.SIGHUP)  # saves progress, restores, exits
        time.sleep(0.1)  # until the handler runs: no busy loop
    return data


_hung_up = False
_os_with_terminal_read = types.ModuleType("os")
_os_with_terminal_read.__dict__.update(vars(os), read=_read_terminal)


class QuietSelector:
    """A `selectors.SelectSelector` for Textual's input loop that blocks while
    nothing is typed: the loop's 0.1 s timeout is kept only for `linger`
    seconds after input (long enough for a pending Escape to be reported),
    and from `wake()` on, when the loop is about to be asked to stop."""

    def __init__(self, linger: float = constants.ESCAPE_DELAY + 0.25,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._inner = selectors.SelectSelector()
        self._wake_read, self._wake_write = os.pipe()
        self._inner.register(self._wake_read, selectors.EVENT_READ)
        self.linger, self.clock = linger, clock
        self._busy_until = clock() + linger  # the terminal's first replies
        self._closing = False
        self._lock = threading.Lock()  # no wake-up written to a closed (reused) descriptor
        self._closed = False

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._inner.unregister(fileobj)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        quiet = not self._closing and self.clock() >= self._busy_until
        ready = self._inner.select(None if quiet else timeout)
        events = [(key, mask) for key, mask in ready if key.fileobj != self._wake_read]
        if len(events) < len(ready):
            os.read(self._wake_read, 64)
        if events:
            self._busy_until = self.clock() + self.linger
        return events

    def wake(self) -> None:
        """From another thread: return from `select` now, and poll from here on
        so that the loop sees its exit flag."""
        self._closing = True
        with self._lock:
            if not self._closed:
                os.write(self._wake_write, b"x")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._inner.close()
            for fd in (self._wake_read, self._wake_write):
                os.close(fd)


def _input_loop(function: Callable[..., Any], make_selector: Callable[[], QuietSelector]
                ) -> Callable[..., Any]:
    """Textual's input loop `function`, reading with lenient decoding, treating
    a vanished terminal as a hang-up, and selecting with `make_selector()`."""
    quiet_selectors = types.ModuleType("selectors")
    quiet_selectors.__dict__.update(vars(selectors), SelectSelector=make_selector)
    names = dict(vars(linux_driver), getincrementaldecoder=lenient_incremental_decoder,
                 os=_os_with_terminal_read, selectors=quiet_selectors)
    return types.FunctionType(function.__code__, names, function.__name__,
                              function.__defaults__, function.__closure__)


class KeyBudget:
    """A token bucket for keys: `burst` at once, then `rate` a second.

    Nobody types or auto-repeats faster than about 30 keys a second. Text
    pasted into a terminal without bracketed paste arrives as thousands of
    keys at once, each of which would act ('t' opens the contents, 'l' leaves
    the deck...) and keep the app busy for minutes. Keys beyond the budget
    are dropped; a person's keys never are.
    """

    def __init__(self, burst: int = 64, rate: float = 100.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.burst, self.rate, self.clock = burst, rate, clock
        self.tokens = float(burst)
        self.last = clock()
        self.dropped = 0

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.dropped += 1
        return False


class LenientDriver(LinuxDriver):
    """Textual's Linux driver; input bytes that are not UTF-8 become U+FFFD, a
    flood of keys (a paste typed as keys) is cut down to a person's pace, and
    a terminal that is gone is not restored."""

    _input_selector: QuietSelector | None = None

    def run_input_thread(self) -> None:
        def make_selector() -> QuietSelector:
            self._input_selector = QuietSelector()
            return self._input_selector

        _input_loop(LinuxDriver.run_input_thread, make_selector)(self)

    def wake_input(self) -> None:
        """Make the input loop look at its exit flag now (it may be asleep)."""
        if self._input_selector is not None:
            self._input_selector.wake()

    def disable_input(self) -> None:
        self.wake_input()
        super().disable_input()

    def stop_application_mode(self) -> None:
        """Restore the terminal, if it is still there: after a hang-up the writes
        fail (EIO), and the app must still end as the hang-up asked."""
        try:
            super().stop_application_mode()
        except OSError:
            pass

    def process_message(self, message: Message) -> None:
        if isinstance(message, events.Key):
            budget = self.__dict__.setdefault("_key_budget", KeyBudget())
            if not budget.take():
                return
        super().process_message(message)

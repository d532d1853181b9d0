"""What the server accepts from a client: names, sizes, bytes, environment.

Pure functions and one small decoder class, so every rule is tested without
a server.
"""

from __future__ import annotations

import codecs
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

NICKNAME = re.compile(r"[A-Za-z0-9._-]{1,32}")
NICKNAME_RULE = "1-32 letters, digits, '.', '_' or '-'"

MIN_COLS, MIN_ROWS = 20, 10
MAX_COLS, MAX_ROWS = 500, 200

_TERM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
DEFAULT_TERM = "xterm-256color"

NUMERICS_ONE_THREAD = {
    "NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
"""A room shares a few cores: each session's numerics stay on one thread."""


def valid_nickname(name: str) -> bool:
    return NICKNAME.fullmatch(name) is not None


def clamp_size(cols: int, rows: int) -> tuple[int, int]:
    """A client's terminal size within what a session may ask a child to draw."""
    return (min(max(cols or 80, MIN_COLS), MAX_COLS),
            min(max(rows or 24, MIN_ROWS), MAX_ROWS))


def sanitise_term(term: str | None) -> str:
    """The client's TERM if it looks like a terminfo name, else a safe default."""
    return term if term and _TERM.fullmatch(term) else DEFAULT_TERM


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def child_env(term: str | None, client_env: Mapping[str, str], *, room_dir: Path,
              cache_dir: Path, base: Mapping[str, str]) -> dict[str, str]:
    """The whole environment of a session's child: an allow-list.

    From the client only TERM (sanitised), COLORTERM (known values) and
    NO_COLOR; from the server only what it takes to run Python and find the
    decks and the kernel cache. Everything else a client sends is dropped.
    """
    env = {key: base[key] for key in ("PATH", "HOME", "PYTHONPATH", "VIRTUAL_ENV",
                                      "DLTUTOR_CONTENT_DIR") if base.get(key)}
    env.update(NUMERICS_ONE_THREAD)
    env.update({
        "TERM": sanitise_term(term),
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
        "DLTUTOR_STATE_DIR": str(room_dir), "DLTUTOR_CACHE_DIR": str(cache_dir),
    })
    colorterm = client_env.get("COLORTERM", "")
    if colorterm in ("truecolor", "24bit"):
        env["COLORTERM"] = colorterm
    if "NO_COLOR" in client_env:
        env["NO_COLOR"] = "1"
    return env


class InputDecoder:
    """Client bytes to valid UTF-8 for the child: a sequence split between two
    packets is kept whole, an invalid byte becomes U+FFFD (one invalid byte
    would otherwise end a Textual app)."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, data: bytes) -> bytes:
        return self._decoder.decode(data).encode("utf-8")


_UNITS = (("hour", 3600.0), ("minute", 60.0), ("second", 1.0))


def duration_words(seconds: float) -> str:
    """A limit as a participant reads it: "30 seconds", "1 minute", "1.5 hours".

    The largest unit that holds it in whole or half units (seconds only below
    two minutes), else the largest unit it reaches, to a tenth: limits are
    set in fractional minutes, and "0 minutes" must never be said.
    """
    def words(count: float, name: str) -> str:
        return f"{count:g} {name}" + ("" if count == 1 else "s")

    for name, size in _UNITS:
        count = seconds / size
        if count >= 1 and (count * 2).is_integer() and (size > 1 or count < 120):
            return words(count, name)
    name, size = next(((n, z) for n, z in _UNITS if seconds >= z), _UNITS[-1])
    return words(round(seconds / size, 1), name)


@dataclass
class Limits:
    max_sessions: int = 60
    login_timeout: float = 60.0
    """Seconds to finish logging in."""
    idle_timeout: float = 45 * 60.0
    """Seconds without a key press before a session is ended."""
    session_time: float = 8 * 3600.0
    """Longest a session may last."""
    failed_logins_per_connection: int = 3
    failed_logins_per_address: int = 60
    """Within `address_window`; generous, since a whole room may share one NAT address."""
    address_window: float = 600.0
    hangup_grace: float = 6.0
    """Seconds a hung-up child has to end before SIGKILL: longer than the
    progress store's own wait for its last writes (3 s)."""


@dataclass
class AddressLedger:
    """Failed logins per client address within a sliding window."""

    limit: int
    window: float
    _failures: dict[str, list[float]] = field(default_factory=dict)

    def _recent(self, address: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(address, ()) if now - t < self.window]
        if times:
            self._failures[address] = times
        else:
            self._failures.pop(address, None)
        return times

    def blocked(self, address: str, now: float) -> bool:
        return len(self._recent(address, now)) >= self.limit

    def failed(self, address: str, now: float) -> None:
        self._failures.setdefault(address, []).append(now)

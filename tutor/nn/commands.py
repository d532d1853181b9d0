"""What the UI may ask of a running `Trainer`, and the `Ticket` it gets back.

A control call checks its value on the caller's thread (a bad value raises
there and never reaches the worker), queues a `Command` and returns its
`Ticket` at once. The worker applies queued commands between two training
steps, publishes a snapshot that shows their effect, then marks the tickets
done: whoever needs to know (a test, a script) waits on the ticket; the UI
just draws the next snapshot.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Literal

CommandKind = Literal[
    "run", "pause", "step", "reset", "lr", "batch_size", "dropout", "cpu_share"
]


class TrainerStopped(RuntimeError):
    """A control call reached a trainer after `stop()`: its worker is gone."""


class Ticket:
    """The receipt of one control call: done once the worker has applied it
    and published a snapshot showing the result (or has dropped it)."""

    __slots__ = ("_applied", "_event", "error")

    def __init__(self) -> None:
        self._event = threading.Event()
        self._applied = False
        self.error: str | None = None
        """Why the worker dropped the command, if it did (e.g. "stopped")."""

    def wait(self, timeout: float | None = None) -> bool:
        """Block until done; True if the command was applied."""
        return self._event.wait(timeout) and self._applied

    @property
    def done(self) -> bool:
        """Applied, or dropped (see `error`)."""
        return self._event.is_set()

    @property
    def applied(self) -> bool:
        return self._applied

    def resolve(self, error: str | None = None) -> None:
        """Worker side: applied if `error` is None, else dropped."""
        self.error = error
        self._applied = error is None
        self._event.set()

    def __repr__(self) -> str:
        status = "pending" if not self.done else "applied" if self._applied else self.error
        return f"<Ticket {status}>"


@dataclass
class Command:
    """One queued request; `value` is already checked."""

    kind: CommandKind
    value: float | int | None = None
    ticket: Ticket = field(default_factory=Ticket)


def checked_lr(lr: float) -> float:
    if not (lr >= 0 and math.isfinite(lr)):
        raise ValueError(f"learning rate must be finite and >= 0, got {lr}")
    return float(lr)


def checked_batch_size(batch_size: int) -> int:
    if int(batch_size) < 1:
        raise ValueError(f"batch size must be >= 1, got {batch_size}")
    return int(batch_size)


def checked_dropout(dropout: float) -> float:
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    return float(dropout)


def checked_share(share: float) -> float:
    if not 0.0 < share <= 1.0:
        raise ValueError(f"cpu_share must be in (0, 1], got {share}")
    return float(share)

"""What the UI may ask of a running `Trainer`, checked on the caller's thread.

Changes wait in one `Commands` record until the worker thread applies them
between two training steps; a value that fails its check never gets there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Commands:
    """Requests from the UI thread, applied by the worker between steps."""

    reset: bool = False
    reset_seed: int | None = None
    lr: float | None = None
    batch_size: int | None = None
    dropout: float | None = None
    cpu_share: float | None = None

    def any(self) -> bool:
        return self.reset or any(
            value is not None for value in (self.lr, self.batch_size, self.dropout, self.cpu_share)
        )


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

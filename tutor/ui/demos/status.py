"""The status line of a training demo, from one snapshot (no Textual here)."""

from __future__ import annotations

import math
from typing import Any

from tutor.nn.trainer import DIVERGE_FACTOR


def _last(values: Any) -> float:
    return float(values[-1]) if len(values) else math.nan


def state_text(snapshot: Any) -> str:
    """What the trainer is doing, in words a learner can act on."""
    state = snapshot.state
    if state == "preparing":
        prepare = getattr(snapshot, "prepare", None)
        if prepare:
            ready, needed = prepare
            return f"preparing the engine, first run on this machine: {ready} of {needed}"
        return "preparing the engine, first run on this machine"
    if state == "diverged":
        loss = _last(snapshot.train_loss)
        grew = "became infinite" if not math.isfinite(loss) else f"grew {DIVERGE_FACTOR:g}x"
        return f"diverged: loss {grew}; lower the learning rate"
    if state == "error":
        first = (snapshot.error or "unknown error").strip().splitlines()
        return f"error: {first[-1] if first else 'unknown'}"
    if state == "idle":
        return "ready"
    return str(state)


def status_line(snapshot: Any, label: str = "") -> str:
    """`label  step 120 · loss 0.412 · acc 93% · running`, leaving out what is unknown."""
    parts = [f"step {snapshot.step:,}"]
    loss = _last(snapshot.train_loss)
    if math.isfinite(loss):
        parts.append(f"loss {loss:.3g}")
    accuracy = snapshot.val_accuracy
    if not math.isfinite(accuracy):
        accuracy = snapshot.train_accuracy
    if math.isfinite(accuracy):
        parts.append(f"acc {accuracy:.0%}")
    parts.append(state_text(snapshot))
    text = " · ".join(parts)
    return f"{label}  {text}" if label else text

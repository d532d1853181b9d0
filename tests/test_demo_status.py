"""The status line a training demo shows, from one snapshot."""

from __future__ import annotations

import math

import numpy as np

from tutor.nn.snapshot import Snapshot
from tutor.nn.trainer import DIVERGE_FACTOR
from tutor.ui.demos.status import state_text, status_line


def _snap(state: str, **fields: object) -> Snapshot:
    return Snapshot(step=1200, state=state, **fields)  # type: ignore[arg-type]


def test_running_shows_step_loss_and_accuracy() -> None:
    snap = _snap("running", loss_steps=np.array([1, 2]), train_loss=np.array([0.9, 0.412]),
                 val_accuracy=0.934)
    assert status_line(snap, "rate 0.3") == "rate 0.3  step 1,200 · loss 0.412 · acc 93% · running"


def test_unknown_numbers_are_left_out() -> None:
    assert status_line(_snap("paused")) == "step 1,200 · paused"
    assert status_line(_snap("idle", train_accuracy=0.5)) == "step 1,200 · acc 50% · ready"


def test_preparing_says_how_far_the_first_compile_is() -> None:
    assert state_text(_snap("preparing", prepare=(3, 7))) == (
        "preparing the engine, first run on this machine: 3 of 7")


def test_diverged_says_what_to_do() -> None:
    grown = _snap("diverged", train_loss=np.array([0.7, 0.7 * DIVERGE_FACTOR * 2]))
    assert state_text(grown) == (
        f"diverged: loss grew {DIVERGE_FACTOR:g}x; lower the learning rate")
    blown = _snap("diverged", train_loss=np.array([0.7, math.inf]))
    assert state_text(blown) == "diverged: loss became infinite; lower the learning rate"
    assert status_line(blown) == ("step 1,200 · diverged: loss became infinite; "
                                  "lower the learning rate")  # no "loss inf" before it


def test_error_shows_the_last_line_of_the_message() -> None:
    snap = _snap("error", error="Traceback...\n  File x\nValueError: no such layer")
    assert state_text(snap) == "error: ValueError: no such layer"

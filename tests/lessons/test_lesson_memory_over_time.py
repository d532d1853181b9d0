"""memory-over-time: at the slides' gaps, what the race shows is true.

Slide "rnn" (gap 5): the plain RNN remembers. Slide "gates" (the long gap):
the GRU remembers, the plain RNN stays near chance for the whole budget,
and at the start its gradient at the first step is >= 100x smaller than at
the last.
"""

from __future__ import annotations

import numpy as np
import pytest
from slide_demos import demo_params

from tutor.lessons.memory_over_time import (
    PREFIX,
    SYMBOLS,
    Settings,
    gradient_fade,
    measure,
    recall_task,
)

SEEDS = (0, 1, 2)


def test_the_label_is_the_marked_symbol_and_nothing_else_is_marked():
    data = recall_task(gap=7, n=50, seed=3)
    X, y = np.asarray(data.X_train), np.asarray(data.y_train)
    assert X.shape == (40, PREFIX + 1 + 7, SYMBOLS + 1)
    marks = X[:, :, SYMBOLS]
    assert np.all(marks[:, PREFIX] == 1) and marks.sum() == len(X)
    np.testing.assert_array_equal(X[:, :, :SYMBOLS].argmax(axis=2), data.info["symbols_train"])
    np.testing.assert_array_equal(y, X[:, PREFIX, :SYMBOLS].argmax(axis=1))
    assert np.all(X[:, :, :SYMBOLS].sum(axis=2) == 1)


def test_gradient_fade():
    assert gradient_fade(np.array([0.001, 0.1, 1.0])) == pytest.approx(0.001)
    assert np.isnan(gradient_fade(np.zeros(3)))


def test_settings_from_the_slides():
    short = Settings.from_params(demo_params("rnn", "memory-over-time"))
    long = Settings.from_params(demo_params("gates", "memory-over-time"))
    assert (short.cell, short.gated) == ("rnn", "gru")
    assert long.gated == "gru" and long.gap > short.gap
    assert long.with_gated("lstm").gated == "lstm"
    with pytest.raises(ValueError):
        Settings.from_params({"cell": "transformer"})


def test_at_the_short_gap_the_plain_rnn_remembers():
    settings = Settings.from_params(demo_params("rnn", "memory-over-time"))
    for seed in SEEDS:
        rnn, _ = measure(settings, seed)
        assert rnn.peak >= 0.9, (seed, rnn)


def test_at_the_long_gap_only_the_gated_cell_remembers_and_the_rnn_gradient_vanishes():
    settings = Settings.from_params(demo_params("gates", "memory-over-time"))
    for seed in SEEDS:
        rnn, gru = measure(settings, seed)
        assert gru.final >= 0.9, (seed, gru)
        assert rnn.peak <= 0.6, (seed, rnn)  # at no evaluation within the budget
        assert rnn.fade <= 1e-2, (seed, rnn)


def test_the_verdict_waits_for_the_race_and_names_the_winner():
    from tutor.lessons.memory_over_time import verdict
    from tutor.nn.snapshot import Snapshot

    settings = Settings(cell="gru", gap=30)
    curve = np.array([0.25, 0.3, 0.27])
    running = Snapshot(step=100, state="running", val_accuracy_curve=curve)
    rnn_done = Snapshot(step=800, state="done", val_accuracy_curve=curve, val_accuracy=0.27)
    gru_done = Snapshot(step=800, state="done", val_accuracy_curve=np.array([0.3, 1.0]),
                        val_accuracy=1.0)
    assert verdict(settings, running, gru_done) is None
    text = verdict(settings, rnn_done, gru_done)
    assert text is not None and "GRU remembers" in text and "stuck at 30%" in text
    learned = Snapshot(step=800, state="done", val_accuracy_curve=np.array([0.3, 0.95]),
                       val_accuracy=0.95)
    assert "RNN remembers too" in (verdict(settings, learned, gru_done) or "")

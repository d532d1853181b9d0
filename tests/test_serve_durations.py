"""Limits told to a participant read as durations, never as "0 minutes"."""

from __future__ import annotations

import pytest

from tutor.workshop.policy import duration_words


@pytest.mark.parametrize(("seconds", "words"), [
    (0.5 * 60, "30 seconds"),    # --idle-minutes 0.5 once said "0 minutes"
    (1.0, "1 second"),
    (60.0, "1 minute"),
    (90.0, "1.5 minutes"),
    (45 * 60.0, "45 minutes"),   # the default idle limit
    (100.0, "100 seconds"),      # not "1.7 minutes"
    (100 * 60.0, "100 minutes"),  # not "1.7 hours"
    (2715.0, "45.2 minutes"),    # no whole unit: a tenth of the largest
    (3600.0, "1 hour"),
    (5400.0, "1.5 hours"),
    (8 * 3600.0, "8 hours"),     # the default session time
    (0.3, "0.3 seconds"),
])
def test_duration_words(seconds: float, words: str) -> None:
    assert duration_words(seconds) == words

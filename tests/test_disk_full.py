"""The disk fills up mid-quiz: every answer stays on screen, waits, and lands once."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from textual.widgets._toast import Toast
from ui_helpers import screen_text, wait_until

from tutor.content import load_library
from tutor.options import AppOptions
from tutor.progress import FILE_NAME, ProgressStore
from tutor.progress_write import FileSink, Op
from tutor.ui.app import TutorApp
from tutor.ui.screens.quiz import Phase, QuizScreen


class FillingDisk(FileSink):
    """The progress file on a disk that is full while `full` is set. Failures
    alternate between a write refused outright and one that landed but whose
    commit was reported failed (the writer then sends it again)."""

    def __init__(self, path: Path, participant: str) -> None:
        super().__init__(path, participant)
        self.full = threading.Event()
        self.refused = 0

    def write(self, batch: list[Op]) -> None:
        if self.full.is_set():
            self.refused += 1
            if self.refused % 2 == 0:
                super().write(batch)
            raise sqlite3.OperationalError("database or disk is full")
        super().write(batch)


def _toasts(app: TutorApp) -> list[str]:
    return [toast.render().plain for toast in app.screen.query(Toast)]


async def test_answers_given_while_the_disk_is_full_are_kept_and_land_once(
        good_content: Path, options_for: Callable[..., AppOptions]) -> None:
    options = options_for(good_content, deck="alpha", quiz=True)
    path = options.state_dir / FILE_NAME
    ProgressStore.open(options.state_dir, options.participant)[0].close()  # the file exists
    sink = FillingDisk(path, "tester")
    store = ProgressStore(path, "tester", _sink=sink)
    sink.full.set()
    app = TutorApp(options, load_library(good_content), store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        total = len(screen.round)
        for _ in range(total):
            await pilot.press("1", "enter")
        assert screen.phase is Phase.DONE and len(screen.answers) == total
        right = sum(a.correct for a in screen.answers)
        assert f"done: {right} of {total}" in screen_text(app)  # shown as given
        await wait_until(pilot, lambda: sink.refused >= 3, what="writes to be refused")
        assert store.pending > 0 and "disk is full" in (store.problem or "")
        await wait_until(pilot, lambda: any("Not saved yet" in t for t in _toasts(app)),
                         what="the learner to be told")
        sink.full.clear()  # space again
        await wait_until(pilot, lambda: store.pending == 0, what="the writes to land")
        await wait_until(pilot, lambda: any("Everything is saved" in t for t in _toasts(app)),
                         what="the learner to be told it is saved")
        assert store.best_score("alpha") == (right, total)

    db = sqlite3.connect(path)
    try:
        attempts = db.execute("SELECT id, finished, right, total FROM attempt").fetchall()
        assert len(attempts) == 1  # sent again after a lost acknowledgement, stored once
        (attempt, finished, stored_right, stored_total), = attempts
        assert finished is not None and (stored_right, stored_total) == (right, total)
        answers = db.execute("SELECT count(*), count(DISTINCT question) FROM answer "
                             "WHERE attempt=?", (attempt,)).fetchone()
        assert answers == (total, total)
    finally:
        db.close()
    assert not list(options.state_dir.glob(f"{FILE_NAME}.pending-*"))  # nothing left over

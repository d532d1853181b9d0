"""Saved progress: resume, quiz history, corrupt files, answers that survive a kill."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tutor.progress import FILE_NAME, NewerState, ProgressStore, StateUnavailable


def test_resume_point_and_seen_slides_survive_a_restart(tmp_path: Path) -> None:
    store, notice = ProgressStore.open(tmp_path, "ana")
    assert notice is None and store.last_slide("dl") is None
    for slide in ("a", "b", "c", "b"):
        store.visit("dl", slide)
    store.visit("dl", "z", resume=False)  # looked at from the quiz
    store.close()

    again, _ = ProgressStore.open(tmp_path, "ana")
    assert again.last_slide("dl") == "b"
    assert again.recent_position() == ("dl", "b")
    assert again.seen("dl") == {"a", "b", "c", "z"}


def test_participants_do_not_see_each_others_progress(tmp_path: Path) -> None:
    ana, _ = ProgressStore.open(tmp_path, "ana")
    ben, _ = ProgressStore.open(tmp_path, "ben")
    ana.visit("dl", "a")
    attempt = ben.start_attempt("dl", ["q1"])
    ben.record_answer(attempt, "q1", 0, True)
    ben.finish_attempt(attempt)
    assert ben.last_slide("dl") is None and ben.seen("dl") == set()
    assert ana.best_score("dl") is None and ben.best_score("dl") == (1, 1)


def test_every_answer_and_the_best_score_are_kept(tmp_path: Path) -> None:
    store, _ = ProgressStore.open(tmp_path, "ana")
    first = store.start_attempt("dl", ["q1", "q2"])
    store.record_answer(first, "q1", 2, False)
    store.record_answer(first, "q2", 0, True)
    store.finish_attempt(first)
    second = store.start_attempt("dl", ["q3", "q4"])
    store.record_answer(second, "q3", 1, True)
    store.record_answer(second, "q4", 1, True)
    store.finish_attempt(second)
    unfinished = store.start_attempt("dl", ["q5", "q6"])
    store.record_answer(unfinished, "q5", 3, True)

    attempts = store.attempts("dl")
    assert [a.right for a in attempts] == [1, 2, None]
    assert [(r.question, r.choice, r.correct) for r in attempts[0].answers] == [
        ("q1", 2, False), ("q2", 0, True)]
    assert attempts[2].answers[0].question == "q5" and attempts[2].finished is None
    assert store.best_score("dl") == (2, 2)


def test_corrupt_state_is_set_aside_and_recreated(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database\x00" * 200)
    store, notice = ProgressStore.open(tmp_path, "ana")
    assert notice is not None and "unreadable" in notice
    kept = list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")
    store.visit("dl", "a")
    assert store.last_slide("dl") == "a"


def test_an_answer_survives_the_process_being_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import os, sys
        from tutor.progress import ProgressStore
        store, _ = ProgressStore.open({str(tmp_path)!r}, "ana")
        attempt = store.start_attempt("dl", ["q1", "q2"])
        store.record_answer(attempt, "q1", 3, True)
        store.visit("dl", "slide-7")
        assert store.flush(30)
        print("answered", flush=True)
        sys.stdin.readline()  # wait to be killed
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "answered"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    store, notice = ProgressStore.open(tmp_path, "ana")
    assert notice is None
    [attempt] = store.attempts("dl")
    assert [(a.question, a.choice, a.correct) for a in attempt.answers] == [("q1", 3, True)]
    assert store.last_slide("dl") == "slide-7"


def test_a_foreign_sqlite_file_is_set_aside(tmp_path: Path) -> None:
    foreign = sqlite3.connect(tmp_path / FILE_NAME)
    foreign.execute("CREATE TABLE seen (x)")
    foreign.commit()
    foreign.close()
    store, notice = ProgressStore.open(tmp_path, "ana")
    assert notice is not None and list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    store.visit("dl", "a")
    assert store.last_slide("dl") == "a"


def test_a_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    store, _ = ProgressStore.open(tmp_path, "ana")
    store.visit("dl", "a")
    store.close()
    db = sqlite3.connect(tmp_path / FILE_NAME)
    db.execute("UPDATE meta SET value='99' WHERE key='schema'")
    db.commit()
    db.close()
    before = (tmp_path / FILE_NAME).read_bytes()
    with pytest.raises(NewerState, match="newer dltutor.*Upgrade dltutor"):
        ProgressStore.open(tmp_path, "ana")
    assert (tmp_path / FILE_NAME).read_bytes() == before
    assert not list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))


def test_a_newer_schema_with_other_columns_is_refused_and_left_alone(tmp_path: Path) -> None:
    store, _ = ProgressStore.open(tmp_path, "ana")
    store.visit("dl", "a")
    store.close()
    db = sqlite3.connect(tmp_path / FILE_NAME)
    db.execute("UPDATE meta SET value='2' WHERE key='schema'")
    db.execute("ALTER TABLE attempt RENAME COLUMN right TO points")  # a change a format 2 may make
    db.execute("ALTER TABLE seen ADD COLUMN seconds REAL")
    db.commit()
    db.close()
    before = (tmp_path / FILE_NAME).read_bytes()
    with pytest.raises(NewerState, match=r"newer dltutor.*format 2"):
        ProgressStore.open(tmp_path, "ana")
    assert (tmp_path / FILE_NAME).read_bytes() == before
    assert not list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))


def test_a_lock_held_by_another_program_delays_writes_and_loses_none(tmp_path: Path) -> None:
    store, _ = ProgressStore.open(tmp_path, "ana")
    store.visit("dl", "a")
    assert store.flush(30)
    store.close()
    blocker = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another program holds the file for long
    try:
        store, notice = ProgressStore.open(tmp_path, "ana")  # starting is not blocked
        assert notice is None and store.last_slide("dl") == "a"
        attempt = store.start_attempt("dl", ["q1", "q2"])
        store.record_answer(attempt, "q1", 2, True)  # returns at once
        store.visit("dl", "b")
        assert store.last_slide("dl") == "b" and store.attempts("dl")[0].answers
        assert not store.flush(0.3) and store.pending >= 1
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert store.flush(60) and store.problem is None
    store.close()
    store, _ = ProgressStore.open(tmp_path, "ana")
    [kept] = store.attempts("dl")
    assert [(a.question, a.choice) for a in kept.answers] == [("q1", 2)]
    assert store.last_slide("dl") == "b"
    assert not list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))

"""Saved progress in a shared state directory, with many sessions at once."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tutor import locations
from tutor.progress import FILE_NAME, ProgressStore, StateUnavailable


def test_a_planted_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    state = tmp_path / "state"
    state.mkdir()
    (state / FILE_NAME).symlink_to(victim)
    with pytest.raises(StateUnavailable, match="symbolic link"):
        ProgressStore.open(state, "ana")
    (state / FILE_NAME).unlink()
    (state / f"{FILE_NAME}-wal").symlink_to(victim)
    with pytest.raises(StateUnavailable, match="symbolic link"):
        ProgressStore.open(state, "ana")
    missing = tmp_path / "would-be-created"
    (state / f"{FILE_NAME}-wal").unlink()
    (state / FILE_NAME).symlink_to(missing)
    with pytest.raises(StateUnavailable, match="symbolic link"):
        ProgressStore.open(state, "ana")
    assert victim.read_text() == "precious" and not missing.exists()


def test_files_are_private_and_a_new_state_dir_is_too(tmp_path: Path) -> None:
    state = locations.state_dir(tmp_path / "new" / "state")
    assert state.stat().st_mode & 0o777 == 0o700
    store, _ = ProgressStore.open(state, "ana")
    store.visit("dl", "a")
    assert store.flush(30)
    files = [p for p in state.iterdir() if p.name.startswith(FILE_NAME)]
    assert files and all(p.stat().st_mode & 0o077 == 0 for p in files)
    store.close()


def test_a_name_that_is_not_utf8_is_kept_readable(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9")  # what Python makes of a Latin-1 USER or argument
    store, _ = ProgressStore.open(tmp_path, name)
    store.visit("dl", "a")
    assert store.flush(30)
    store.close()
    store, _ = ProgressStore.open(tmp_path, name)
    assert store.participant == "caf\ufffd" and store.last_slide("dl") == "a"


def _many_opens(state: Path, count: int) -> list[subprocess.CompletedProcess[str]]:
    script = textwrap.dedent(f"""
        import sys
        from tutor.progress import ProgressStore
        store, notice = ProgressStore.open({str(state)!r}, sys.argv[1])
        store.visit("dl", "s-" + sys.argv[1])
        assert store.flush(60)
        store.close()
        print(notice or "")
    """)
    children = [subprocess.Popen([sys.executable, "-c", script, str(n)], text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for n in range(count)]
    return [subprocess.CompletedProcess(c.args, c.wait(), *c.communicate()) for c in children]


def test_simultaneous_first_starts_all_succeed(tmp_path: Path) -> None:
    results = _many_opens(tmp_path, 12)
    assert [r.stderr for r in results if r.returncode] == []
    db = sqlite3.connect(tmp_path / FILE_NAME)
    assert db.execute("SELECT COUNT(*) FROM position").fetchone()[0] == 12


def test_a_damaged_file_is_set_aside_once_by_many_sessions(tmp_path: Path) -> None:
    damaged = b"not a database " * 500
    (tmp_path / FILE_NAME).write_bytes(damaged)
    results = _many_opens(tmp_path, 10)
    assert [r.stderr for r in results if r.returncode] == []
    kept = list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    assert [p.read_bytes() for p in kept] == [damaged]
    assert sum("unreadable" in r.stdout for r in results) == 1


def test_writes_that_outlive_the_session_are_journaled_and_replayed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = ProgressStore.open(tmp_path, "ana")
    store.visit("dl", "a")
    assert store.flush(30)
    blocker = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(ProgressStore, "CLOSE_WAIT_S", 0.2)
    attempt = store.start_attempt("dl", ["q1"])
    store.record_answer(attempt, "q1", 1, True)
    store.finish_attempt(attempt)
    store.close()  # cannot write now: kept beside the file
    blocker.execute("ROLLBACK")
    blocker.close()
    assert list(tmp_path.glob(f"{FILE_NAME}.pending-*"))
    store, _ = ProgressStore.open(tmp_path, "ana")
    assert store.best_score("dl") == (1, 1)
    assert not list(tmp_path.glob(f"{FILE_NAME}.pending-*"))


def _journal(path: Path, slide: str, mode: int = 0o600) -> Path:
    path.write_text(json.dumps({"participant": "ana",
                                "ops": [["visit", "dl", slide, True, "2026-01-01T00:00:00"]]}))
    path.chmod(mode)
    return path


def test_only_journals_the_user_alone_could_write_are_replayed(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    store, _ = ProgressStore.open(state, "ana")
    store.close()
    planted = tmp_path / "elsewhere.json"  # a journal of the right shape, outside
    _journal(planted, "via-link")
    link = state / f"{FILE_NAME}.pending-1-link.json"
    link.symlink_to(planted)
    open_to_all = _journal(state / f"{FILE_NAME}.pending-2-open.json", "by-anyone", 0o666)
    ours = _journal(state / f"{FILE_NAME}.pending-3-ours.json", "kept")
    store, _ = ProgressStore.open(state, "ana")
    assert store.seen("dl") == {"kept"}
    store.close()
    assert not ours.exists()  # replayed, then removed
    assert link.is_symlink() and planted.exists() and open_to_all.exists()  # left alone

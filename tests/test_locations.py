"""Where compiled kernels are cached when the usual places are not usable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tutor import locations


def _no_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.delenv(locations.CACHE_DIR_ENV, raising=False)
    monkeypatch.setattr(locations.platformdirs, "user_cache_dir", lambda name: str(blocked))
    shared = tmp_path / "tmp"
    shared.mkdir()
    monkeypatch.setattr(locations.tempfile, "gettempdir", lambda: str(shared))
    monkeypatch.setattr(locations.tempfile, "tempdir", str(shared))
    return shared


def test_override_is_used_when_writable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(locations.CACHE_DIR_ENV, str(tmp_path / "mine"))
    assert locations.kernel_cache_dir() == tmp_path / "mine"


def test_falls_back_to_a_private_temp_folder(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    shared = _no_user_cache(monkeypatch, tmp_path)
    chosen = locations.kernel_cache_dir()
    assert chosen == shared / f"dltutor-{os.getuid()}" / "numba"
    assert chosen.is_dir()


def test_a_temp_folder_others_can_write_is_not_trusted(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    shared = _no_user_cache(monkeypatch, tmp_path)
    planted = shared / f"dltutor-{os.getuid()}"
    planted.mkdir()
    planted.chmod(0o777)
    chosen = locations.kernel_cache_dir()
    assert planted not in chosen.parents and chosen.is_dir()
    assert chosen.name.startswith("dltutor-numba-")


def _unsafe_message(path: Path) -> str:
    with pytest.raises(locations.UnsafeDirectory) as caught:
        locations.private_cache(path)
    return str(caught.value)


def test_a_cache_others_can_write_is_refused_with_the_fix(tmp_path: Path) -> None:
    shared = tmp_path / "shared-cache"
    shared.mkdir()
    shared.chmod(0o777)
    assert f"chmod go-w {shared}" in _unsafe_message(shared)
    shared.chmod(0o775)  # group members are others too
    assert f"chmod go-w {shared}" in _unsafe_message(shared)


def test_a_parent_others_can_write_is_refused_up_to_one_the_user_owns(tmp_path: Path) -> None:
    open_parent = tmp_path / "open"
    open_parent.mkdir()
    cache = open_parent / "cache"
    cache.mkdir(mode=0o700)
    open_parent.chmod(0o777)  # others could rename `cache` and put theirs in its place
    assert f"chmod go-w {open_parent}" in _unsafe_message(cache)
    open_parent.chmod(0o1777)  # sticky, like /tmp: our folder in it stays ours
    assert locations.private_cache(cache) == cache
    open_parent.chmod(0o755)
    assert locations.private_cache(cache) == cache


def test_a_cache_made_by_dltutor_is_private(tmp_path: Path) -> None:
    made = locations.private_cache(tmp_path / "a" / "b")
    assert made.stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "a").stat().st_mode & 0o777 == 0o700


def test_a_world_writable_override_is_refused_by_app_and_warmup(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from tutor.cli import main

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv(locations.CACHE_DIR_ENV, str(shared))
    assert main(["warmup"]) == 2
    assert main(["--state-dir", str(tmp_path / "state")]) == 2
    err = capsys.readouterr().err
    assert err.count(f"chmod go-w {shared}") == 2
    assert not any(shared.iterdir())  # nothing compiled or loaded there


def test_the_engine_refuses_a_shared_numba_cache(tmp_path: Path) -> None:
    import subprocess
    import sys

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(shared)}
    result = subprocess.run([sys.executable, "-c", "import tutor.nn.jit"], env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "UnsafeDirectory" in result.stderr

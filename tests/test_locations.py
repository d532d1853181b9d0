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

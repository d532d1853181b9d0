"""`dltutor serve` before it listens: what it refuses, and what it creates."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tutor import locations
from tutor.workshop.cli import _warm_up, cmd_serve, open_log

CODE = ["--code", "abc-def-ghj"]


@pytest.fixture
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    monkeypatch.setenv(locations.CACHE_DIR_ENV, str(cache))
    return cache


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another program listens on: the server stops right where it would start."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_kernel_cache_others_can_write_is_refused_before_anything_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv(locations.CACHE_DIR_ENV, str(shared))
    room = tmp_path / "room"
    assert cmd_serve(["--dir", str(room), "--no-warmup", *CODE]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dltutor serve: refusing the kernel cache: ")
    assert str(shared) in err and "Traceback" not in err and err.count("\n") == 1
    assert not room.exists()  # refused before the room folder was made


def test_the_room_folder_and_server_log_are_the_users_alone(
        tmp_path: Path, private_cache: Path, taken_port: int,
        capsys: pytest.CaptureFixture[str]) -> None:
    room = tmp_path / "new" / "room"
    before = os.umask(0)  # the modes must not depend on the umask
    try:
        code = cmd_serve(["--dir", str(room), "--port", str(taken_port), "--no-warmup",
                          "--no-fork-server", *CODE])
    finally:
        os.umask(before)
    assert code == 2 and "cannot listen" in capsys.readouterr().err
    assert _mode(room) == 0o700 and _mode(room.parent) == 0o700
    assert _mode(room / "server.log") == 0o600


def test_the_server_log_is_closed_to_others_and_never_followed_through_a_link(
        tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("earlier line\n")
    log.chmod(0o644)  # left so by an older version
    with open_log(tmp_path) as out:
        out.write("next line\n")
    assert _mode(log) == 0o600 and log.read_text() == "earlier line\nnext line\n"
    log.unlink()
    victim = tmp_path / "victim"
    victim.write_text("precious")
    log.symlink_to(victim)
    with pytest.raises(OSError):
        open_log(tmp_path)
    assert victim.read_text() == "precious"


def test_a_failed_warm_up_is_one_line_and_the_server_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    seen = tmp_path / "env"
    fake = tmp_path / "python"  # stands in for the interpreter: notes its environment, fails
    fake.write_text(f"#!/bin/sh\nenv > {seen}\nexit 3\n")
    fake.chmod(0o700)
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert _warm_up(tmp_path / "cache", python=str(fake)) is False
    err = capsys.readouterr().err
    assert err.startswith("dltutor serve: warning: the kernels were not compiled (it exited "
                          "with status 3)") and err.count("\n") == 1
    env = seen.read_text().splitlines()
    assert f"{locations.CACHE_DIR_ENV}={tmp_path / 'cache'}" in env  # the sessions' cache
    assert not any(line.startswith("NUMBA_CACHE_DIR=") for line in env)
    assert _warm_up(tmp_path / "cache", python=str(tmp_path / "missing")) is False
    assert "not compiled" in capsys.readouterr().err

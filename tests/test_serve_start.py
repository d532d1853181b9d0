"""`dltutor serve` before it listens: what it creates."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tutor import locations
from tutor.workshop.cli import cmd_serve, open_log

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

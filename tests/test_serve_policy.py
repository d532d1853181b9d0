"""What the workshop server accepts from a client, rule by rule (no server needed)."""

from __future__ import annotations

from pathlib import Path

import asyncssh
import pytest
from serve_helpers import Terminal, connect, start_room

from tutor.workshop.policy import (
    DEFAULT_TERM,
    AddressLedger,
    InputDecoder,
    child_env,
    clamp_size,
    is_loopback,
    sanitise_term,
    valid_nickname,
)


@pytest.mark.parametrize("name", ["ada", "A.Lovelace_1815", "x" * 32, "-", "a-b"])
def test_nicknames_accepted(name: str) -> None:
    assert valid_nickname(name)


@pytest.mark.parametrize("name", ["", "x" * 33, "ada lovelace", "ada;ls", "ädä", "a/b", "a\n"])
def test_nicknames_refused(name: str) -> None:
    assert not valid_nickname(name)


def test_sizes_are_clamped() -> None:
    assert clamp_size(80, 24) == (80, 24)
    assert clamp_size(1, 1) == (20, 10)
    assert clamp_size(100_000, 100_000) == (500, 200)
    assert clamp_size(0, 0) == (80, 24)  # "unknown" from the client


def test_term_is_a_terminfo_name_or_the_default() -> None:
    assert sanitise_term("xterm-kitty") == "xterm-kitty"
    assert sanitise_term("screen.xterm-256color") == "screen.xterm-256color"
    for bad in (None, "", "../../etc/passwd", "x" * 80, "xterm\x1b]0;hi"):
        assert sanitise_term(bad) == DEFAULT_TERM


def test_loopback_addresses() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "127.1.2.3"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.5", "::", "example.org"))


def test_child_environment_is_an_allow_list(tmp_path: Path) -> None:
    client = {"COLORTERM": "truecolor", "NO_COLOR": "", "LD_PRELOAD": "/tmp/evil.so",
              "PYTHONSTARTUP": "/tmp/x.py", "DLTUTOR_STATE_DIR": "/tmp/elsewhere"}
    base = {"PATH": "/usr/bin", "HOME": "/home/tutor", "SECRET_TOKEN": "s3cret",
            "DLTUTOR_CONTENT_DIR": "/srv/decks"}
    env = child_env("xterm\x1b", client, room_dir=tmp_path, cache_dir=tmp_path / "cache",
                    base=base)
    assert env["TERM"] == DEFAULT_TERM and env["COLORTERM"] == "truecolor"
    assert env["NO_COLOR"] == "1" and env["DLTUTOR_STATE_DIR"] == str(tmp_path)
    assert env["DLTUTOR_CONTENT_DIR"] == "/srv/decks"
    assert env["NUMBA_NUM_THREADS"] == env["OMP_NUM_THREADS"] == "1"
    assert env["LANG"].endswith("UTF-8")
    assert not {"LD_PRELOAD", "PYTHONSTARTUP", "SECRET_TOKEN"} & set(env)
    assert child_env(None, {"COLORTERM": "rainbow"}, room_dir=tmp_path, cache_dir=tmp_path,
                     base={}).get("COLORTERM") is None


def test_input_decoder_keeps_split_sequences_and_replaces_invalid_bytes() -> None:
    decoder = InputDecoder()
    euro = "€".encode()
    assert decoder.feed(euro[:1]) == b""
    assert decoder.feed(euro[1:]) == euro
    assert decoder.feed(b"a\xffb") == "a\ufffdb".encode()
    assert decoder.feed(b"\xc3(") == "\ufffd(".encode()
    (decoder.feed(b"\xf0\x9f") + decoder.feed(b"\x98\x80")).decode("utf-8")  # valid out


def test_address_ledger_counts_failures_in_a_window() -> None:
    ledger = AddressLedger(limit=3, window=60.0)
    for t in (0.0, 1.0, 2.0):
        assert not ledger.blocked("10.0.0.1", t)
        ledger.failed("10.0.0.1", t)
    assert ledger.blocked("10.0.0.1", 3.0)
    assert not ledger.blocked("10.0.0.2", 3.0)
    assert not ledger.blocked("10.0.0.1", 61.0)  # the old failures have aged out


async def test_authorized_keys_admit_their_key_only(tmp_path: Path) -> None:
    known = asyncssh.generate_private_key("ssh-ed25519")
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    keys = tmp_path / "authorized_keys"
    keys.write_bytes(known.export_public_key())
    room = await start_room(tmp_path / "room", code=None, authorized_keys=keys)
    try:
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(room, "eve", password="", client_keys=[stranger])
        async with await connect(room, "ada", password="", client_keys=[known]) as conn:
            term = await Terminal.open(conn)
            await term.expect("dltutor")
    finally:
        await room.close()


async def test_a_room_without_a_code_only_on_loopback(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="loopback"):
        await start_room(tmp_path, code=None, open_room=True, host="0.0.0.0")


@pytest.mark.parametrize("args", [["--idle-minutes", "0"], ["--idle-minutes", "-1"],
                                  ["--idle-minutes", "nan"], ["--max-sessions", "0"]])
def test_serve_refuses_limits_that_would_end_or_refuse_everyone(
        args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from tutor.workshop.cli import cmd_serve

    with pytest.raises(SystemExit) as ended:
        cmd_serve(["--no-code", *args])
    assert ended.value.code == 2
    assert args[0] in capsys.readouterr().err

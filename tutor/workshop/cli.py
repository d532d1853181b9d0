"""`dltutor serve`, `dltutor report` and `dltutor room`: argument parsing and start-up."""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import platformdirs

from tutor import locations
from tutor.progress_file import FILE_NAME

if TYPE_CHECKING:
    from tutor.workshop.room_writer import RoomWriter

FIXED_SQLITE = (3, 51, 3)
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing to confuse (l/1, o/0)


def default_room_dir() -> Path:
    return Path(platformdirs.user_data_dir(locations.APP_NAME)) / "room"


def _room_dir(arg: str | None) -> Path:
    return Path(arg).expanduser() if arg else default_room_dir()


def new_code() -> str:
    return "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(3))


def sqlite_note() -> str | None:
    """What the linked SQLite means for the room database, if anything to say."""
    if sqlite3.sqlite_version_info >= FIXED_SQLITE:
        return None
    fixed = ".".join(map(str, FIXED_SQLITE))
    return (f"SQLite {sqlite3.sqlite_version} predates {fixed}, which fixes a rare WAL-reset "
            "bug (two connections writing or checkpointing one database at once). This "
            "server is the room database's only writer, so sessions cannot trigger it; do "
            "not write to the database with other tools while the server runs.")


def _open_room_database(room_dir: Path) -> RoomWriter | str:
    """The room database's writer, after checking the file once (`quick_check`);
    or why the server cannot start.

    A damaged file stops the server instead of being set aside: it holds a
    room's answers, and the instructor decides what happens to it.
    """
    from tutor.progress_file import CorruptState, StateUnavailable
    from tutor.workshop.room_writer import RoomWriter

    try:
        return RoomWriter.open(room_dir, lambda line: print(line, flush=True))
    except CorruptState as exc:
        return (f"the room database {room_dir / FILE_NAME} is damaged ({exc}). It is left as "
                "it is: move it away to start a new room, or keep it to recover answers with "
                "the sqlite3 tool.")
    except (StateUnavailable, sqlite3.Error) as exc:
        return str(exc)


def _warm_up(cache_dir: Path, python: str = sys.executable) -> bool:
    """Compile the kernels into the cache every session uses; False (and a
    warning) if that failed: sessions then compile what they need on demand."""
    print("compiling the engine's kernels (once per machine and version)...", flush=True)
    env = dict(os.environ, **{locations.CACHE_DIR_ENV: str(cache_dir)})
    env.pop("NUMBA_CACHE_DIR", None)  # sessions never see it: fill the cache they read
    try:
        done = subprocess.run([python, "-m", "tutor", "warmup"], env=env,
                              stdout=subprocess.DEVNULL, check=False)
    except OSError as exc:
        failed = str(exc)
    else:
        if done.returncode == 0:
            return True
        failed = f"it exited with status {done.returncode}"
    print(f"dltutor serve: warning: the kernels were not compiled ({failed}); serving "
          "anyway, each session compiles what it needs when first used (a few seconds)",
          file=sys.stderr, flush=True)
    return False


def open_log(room_dir: Path) -> TextIO:
    """The server log, for appending: created 0600 (it holds participants'
    addresses and nicknames), never through a symbolic link, and closed to
    others if an older version left it readable."""
    path = room_dir / "server.log"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o600)
    if os.fstat(fd).st_mode & 0o077:
        os.fchmod(fd, 0o600)
    return os.fdopen(fd, "a", encoding="utf-8", buffering=1)


def cmd_serve(argv: Sequence[str]) -> int:
    from tutor.workshop.policy import Limits, is_loopback

    limits = Limits()
    parser = argparse.ArgumentParser(
        prog="dltutor serve",
        description="Run a workshop: everyone connects with 'ssh -p PORT NICKNAME@HOST' "
                    "and gets their own tutor; answers land in one room database.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (0.0.0.0 for a room; default %(default)s)")
    parser.add_argument("--port", type=int, default=2222, help="default %(default)s")
    parser.add_argument("--dir", metavar="DIR",
                        help=f"room folder: host key, database, log (default {default_room_dir()})")
    auth = parser.add_mutually_exclusive_group()
    auth.add_argument("--code", help="workshop code participants type as the password "
                      "(default: a new one, printed at start)")
    auth.add_argument("--no-code", action="store_true",
                      help="no authentication (only on a loopback address)")
    parser.add_argument("--authorized-keys", metavar="FILE",
                        help="also (or, without --code, only) let in these SSH keys")
    parser.add_argument("--max-sessions", type=int, default=limits.max_sessions, metavar="N",
                        help="sessions at once (default %(default)s)")
    parser.add_argument("--deck", help="open this deck for everyone")
    parser.add_argument("--quiz", action="store_true", help="with --deck: start in its quiz")
    parser.add_argument("--idle-minutes", type=float, default=limits.idle_timeout / 60,
                        help="end a session after this long without a key (default %(default)g)")
    parser.add_argument("--no-warmup", action="store_true",
                        help="skip compiling the kernels at start")
    parser.add_argument("--no-fork-server", action="store_true",
                        help="start each session as a fresh process (slower first screen)")
    args = parser.parse_args(argv)
    if args.quiz and not args.deck:
        parser.error("--quiz needs --deck, e.g. --deck deep-learning --quiz")
    if not (math.isfinite(args.idle_minutes) and args.idle_minutes > 0):
        # 0 or less ended every session at once, its idle check spinning.
        parser.error("--idle-minutes must be above 0, e.g. 0.5 for 30 seconds")
    if args.max_sessions < 1:
        parser.error("--max-sessions must be at least 1")
    if args.no_code and not is_loopback(args.host):
        parser.error("--no-code is only allowed on a loopback address (e.g. 127.0.0.1)")
    keys = Path(args.authorized_keys).expanduser() if args.authorized_keys else None
    if keys and not keys.is_file():
        parser.error(f"--authorized-keys: no file {keys}")
    code = None if args.no_code else args.code or (None if keys else new_code())

    from tutor.cli import cache_refusal
    from tutor.workshop.hostkey import HostKeyError, fingerprint, load_or_create
    from tutor.workshop.server import ServeSettings

    try:  # the cache every session and the warm-up share; its pickles run code
        cache_dir = locations.kernel_cache_dir()
    except locations.UnsafeDirectory as exc:
        print(cache_refusal("dltutor serve", exc), file=sys.stderr)
        return 2
    room_dir = _room_dir(args.dir)
    try:
        locations.make_private_dirs(room_dir)
        log_file = open_log(room_dir)
    except OSError as exc:
        print(f"dltutor serve: cannot use the room folder {room_dir}: {exc}", file=sys.stderr)
        return 2
    with log_file:
        try:
            key, created = load_or_create(room_dir)
        except HostKeyError as exc:
            print(f"dltutor serve: {exc}", file=sys.stderr)
            return 2
        writer = _open_room_database(room_dir)
        if isinstance(writer, str):
            print(f"dltutor serve: {writer}", file=sys.stderr)
            return 2
        note = sqlite_note()
        if note:
            print(f"note: {note}", file=sys.stderr)
        if not args.no_warmup:
            _warm_up(cache_dir)
        limits.max_sessions = args.max_sessions
        limits.idle_timeout = args.idle_minutes * 60
        settings = ServeSettings(room_dir=room_dir, cache_dir=cache_dir, host=args.host,
                                 port=args.port, code=code, authorized_keys=keys,
                                 open_room=args.no_code, deck=args.deck, quiz=args.quiz,
                                 limits=limits, fork_server=not args.no_fork_server)
        banner = [f"room folder:  {room_dir}",
                  f"host key:     {fingerprint(key)}{'  (new)' if created else ''}",
                  f"workshop code: {code}" if code else "workshop code: none",
                  f"participants: ssh -p {{port}} NICKNAME@{_shown_host(args.host)}"]
        try:
            return asyncio.run(_serve(settings, key, banner, writer, log_file))
        except OSError as exc:
            print(f"dltutor serve: cannot listen on {args.host}:{args.port}: {exc}",
                  file=sys.stderr)
            return 2


async def _serve(settings: object, key: object, banner: list[str], writer: RoomWriter,
                 log_file: TextIO) -> int:
    from tutor.workshop.server import RoomServer, ServeSettings

    assert isinstance(settings, ServeSettings)

    def log(line: str) -> None:
        print(line, flush=True)
        log_file.write(line + "\n")

    writer.log = log
    server = RoomServer(settings, key, log, writer)  # type: ignore[arg-type]
    try:
        await server.start()
    except BaseException:
        await server.close()  # the room database's writer, and a fork server if started
        raise
    for line in banner:
        print(line.replace("{port}", str(server.port)))
    print("Ctrl-C stops the server and ends every session.", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    print(f"stopping: ending {len(server.sessions)} session(s)...", flush=True)
    await server.close()
    return 0


def cmd_report(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="dltutor report",
        description="The room's results: per question (most missed first) and per participant.")
    parser.add_argument("dir", nargs="?", help=f"room folder (default {default_room_dir()})")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="questions, then participants, as CSV")
    form.add_argument("--json", action="store_true", help="everything as one JSON object")
    parser.add_argument("--content", metavar="DIR", help="folder of decks (for question texts)")
    args = parser.parse_args(argv)
    from tutor.workshop import report
    from tutor.workshop.results import RoomUnavailable, read_room

    try:
        room = read_room(_room_dir(args.dir), _content(args.content), check=True)
    except RoomUnavailable as exc:
        print(f"dltutor report: {exc}", file=sys.stderr)
        return 2
    out = report.as_json(room) if args.json else report.as_csv(room) if args.csv \
        else report.as_text(room)
    sys.stdout.write(out)
    return 0 if room.integrity == "ok" else 1


def cmd_room(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="dltutor room", description="Watch the room's answers arrive (read-only).")
    parser.add_argument("dir", nargs="?", help=f"room folder (default {default_room_dir()})")
    parser.add_argument("--content", metavar="DIR", help="folder of decks (for question texts)")
    args = parser.parse_args(argv)
    path = _room_dir(args.dir) / FILE_NAME
    if not path.exists():
        print(f"dltutor room: no room database at {path} (start 'dltutor serve' first)",
              file=sys.stderr)
        return 2
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print("dltutor room: needs an interactive terminal (use 'dltutor report' for text)",
              file=sys.stderr)
        return 2
    from tutor.workshop.room_app import RoomApp

    RoomApp(_room_dir(args.dir), _content(args.content)).run()
    return 0


def _shown_host(host: str) -> str:
    """The address participants type: this machine's name for a wildcard address."""
    import socket

    return socket.gethostname() if host in ("0.0.0.0", "::", "") else host


def _content(arg: str | None) -> Path:
    return Path(arg).expanduser() if arg else locations.content_dir()

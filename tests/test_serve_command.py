"""`dltutor serve` as an instructor runs it: a process that prints how to
connect, lets a participant in with what it printed, and stops on Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh
import pytest
from serve_helpers import WAIT, Terminal, wait_until

READY = "Ctrl-C stops the server"


class ServeProcess:
    """`python -m tutor serve` in a child process, and what it printed."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.out: list[str] = []

    async def read_until(self, text: str) -> str:
        """Lines printed until one containing `text`; all of them, joined."""
        assert self.process.stdout is not None

        async def read() -> str:
            while not self.out or text not in self.out[-1]:
                line = await self.process.stdout.readline()  # type: ignore[union-attr]
                if not line:
                    raise AssertionError(f"dltutor serve ended before {text!r}: {self.out}")
                self.out.append(line.decode())
            return "".join(self.out)
        return await asyncio.wait_for(read(), WAIT)

    def banner(self, label: str) -> str:
        """The value after `label:` in what the server printed at start."""
        found = re.search(rf"^{re.escape(label)}:\s+(\S+)", "".join(self.out), re.MULTILINE)
        assert found, f"no {label!r} in {self.out}"
        return found.group(1)


@pytest.fixture
async def serve(tmp_path: Path) -> AsyncIterator[ServeProcess]:
    # The kernels are warmed by the tests' own cache; the start-up warm-up would
    # only find them there (or compile them all, on a cold one).
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tutor", "serve", "--port", "0", "--dir", str(tmp_path / "room"),
        "--no-warmup", stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    served = ServeProcess(process)
    try:
        yield served
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (a session's tutor is the fork server's child)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found += [int(child), *descendants(int(child))]
    except OSError:  # it ended meanwhile
        pass
    return found


def on_a_pty(pid: int) -> bool:
    """A session's tutor reads a pty; the server and its fork server do not."""
    try:
        return os.readlink(f"/proc/{pid}/fd/0").startswith("/dev/pts/")
    except OSError:  # it ended meanwhile
        return False


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


async def test_serve_prints_a_code_and_fingerprint_that_let_a_participant_in_and_ctrl_c_stops_it(
        serve: ServeProcess, tmp_path: Path) -> None:
    await serve.read_until(READY)
    code, fingerprint = serve.banner("workshop code"), serve.banner("host key")
    port = int(re.findall(r"ssh -p (\d+) NICKNAME@127\.0\.0\.1", "".join(serve.out))[0])
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", code)
    assert fingerprint.startswith("SHA256:")

    options = {"username": "ada", "known_hosts": None, "agent_path": None, "client_keys": None}
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncssh.connect("127.0.0.1", port, password=code + "x", **options)
    conn = await asyncssh.connect("127.0.0.1", port, password=code, **options)
    try:
        # What the instructor read out is the key this server holds.
        assert conn.get_server_host_key().get_fingerprint("sha256") == fingerprint
        term = await Terminal.open(conn)
        await term.expect("Deep Learning")  # the library, with the shipped decks
        sessions = [pid for pid in descendants(serve.process.pid) if on_a_pty(pid)]
        assert sessions, "no tutor on a pty below the server"

        serve.process.send_signal(signal.SIGINT)  # the instructor's Ctrl-C
        await term.expect("the workshop server is stopping")
        await term.ended()
        assert await asyncio.wait_for(serve.process.wait(), WAIT) == 0
    finally:
        conn.close()
    out = "".join(serve.out) + (await serve.process.stdout.read()).decode()  # type: ignore[union-attr]
    assert "stopping: ending 1 session(s)" in out
    await wait_until(lambda: not any(running(pid) for pid in sessions))
    log = (tmp_path / "room" / "server.log").read_text()
    assert re.search(r"nick=ada .*ended='server stopped'", log), log
    assert "ended='wrong code'" in log

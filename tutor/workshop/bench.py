"""`dltutor bench --serve`: a room of N sessions through SSH on 127.0.0.1.

Starts `dltutor serve` as its own process in a temporary room folder, connects
N asyncssh clients at once and reports, per session: time from connecting to
the first screen, memory (PSS, from /proc/PID/smaps_rollup), bytes sent; and
for the whole room (server and every session): CPU while idle and while
every session shows a live demo. Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncssh

from tutor.content import load_library
from tutor.locations import content_dir

DECK = "deep-learning"
MARKER = "slide 1 of"
"""Text of the first screen (the deck's first slide) that ends the wait."""
FIRST_SCREEN_TIMEOUT_S = 120.0
TICKS = os.sysconf("SC_CLK_TCK")
RIGHT = b"\x1b[C"
SETTLE_S = 20.0


@dataclass
class Client:
    name: str
    connected_at: float = 0.0
    first_screen_s: float | None = None
    received: bytearray = field(default_factory=bytearray)
    process: asyncssh.SSHClientProcess | None = None  # type: ignore[type-arg]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (sessions are the fork server's children)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *_descendants(int(child))]
    return found


def _is_session(pid: int) -> bool:
    """A session's tutor runs on a pty; the server and its fork server do not."""
    try:
        return os.readlink(f"/proc/{pid}/fd/0").startswith("/dev/pts/")
    except OSError:
        return False


def _cpu_ticks(pids: Sequence[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def _own_cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def _pss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _cpu_share(pids: Sequence[int], seconds: float) -> float:
    """Share of one core the processes used over `seconds` of wall time."""
    before, start = _cpu_ticks(pids), time.monotonic()
    await asyncio.sleep(seconds)
    used = (_cpu_ticks(pids) - before) / TICKS
    return used / (time.monotonic() - start)


def _plain(data: bytes) -> str:
    out, i = bytearray(), 0
    while i < len(data):  # drop CSI sequences; good enough to find a phrase
        if data[i] == 0x1B and i + 1 < len(data) and data[i + 1] == 0x5B:
            j = i + 2
            while j < len(data) and not 0x40 <= data[j] <= 0x7E:
                j += 1
            i = j + 1
            continue
        out.append(data[i])
        i += 1
    return out.decode("utf-8", "replace")


async def _connect(client: Client, port: int) -> None:
    client.connected_at = time.monotonic()
    conn = await asyncssh.connect("127.0.0.1", port, username=client.name, known_hosts=None,
                                  client_keys=None, agent_path=None)
    process = await conn.create_process(term_type="xterm-256color", term_size=(120, 30),
                                        encoding=None)
    client.process = process
    while chunk := await process.stdout.read(65536):
        client.received += chunk
        if client.first_screen_s is None and _shows_marker(client.received, len(chunk)):
            client.first_screen_s = time.monotonic() - client.connected_at


def _shows_marker(received: bytearray, new: int) -> bool:
    """Whether the `new` bytes just received (or the seam with what came
    before: a marker can be cut in two) hold the first screen's marker. A
    slow reader gets the first frame and those after it in one chunk."""
    start = max(0, len(received) - new - len(MARKER) - 64)
    return MARKER in _plain(bytes(received[start:]))


def _demo_slide() -> int:
    """1-based number of the deck's first slide with a live demo that is built."""
    from tutor.ui.demos.registry import is_built  # the bench process only, not the server

    deck = load_library(content_dir()).get(DECK)
    slides = [i for i, s in enumerate(deck.slides, 1) if s.demo]
    return next((i for i in slides if is_built(deck.slides[i - 1].demo.name)),  # type: ignore[union-attr]
                slides[0])


async def run(sessions: int, idle_s: float, demo_s: float, fork_server: bool = True
              ) -> dict[str, object]:
    port = _free_port()
    load_before = round(os.getloadavg()[0], 1)  # a busy machine slows every figure
    room = tempfile.TemporaryDirectory(prefix="dltutor-bench-room-")
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tutor", "serve", "--no-code", "--port", str(port),
        "--dir", room.name, "--deck", DECK, "--max-sessions", str(sessions),
        *([] if fork_server else ["--no-fork-server"]),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        for _ in range(600):  # the warm-up runs first; wait until it listens
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.5)
        clients = [Client(f"bench{n:02d}") for n in range(sessions)]
        # Who else spends the two cores while the room connects: the server (SSH,
        # ptys, forking) and this process's own SSH clients.
        server_side = [server.pid, *_descendants(server.pid)]
        server_before, own_before = _cpu_ticks(server_side) / TICKS, _own_cpu_s()
        readers = [asyncio.create_task(_connect(c, port)) for c in clients]
        waiting_since = time.monotonic()
        while any(c.first_screen_s is None for c in clients):
            if time.monotonic() - waiting_since > FIRST_SCREEN_TIMEOUT_S:
                missing = [c.name for c in clients if c.first_screen_s is None]
                raise RuntimeError(f"no first screen after {FIRST_SCREEN_TIMEOUT_S:g} s "
                                   f"for {', '.join(missing)}")
            if any(r.done() for r in readers):
                failed = next(r for r in readers if r.done())
                raise RuntimeError(f"a session ended before its first screen: "
                                   f"{failed.exception()!r}")
            await asyncio.sleep(0.1)
        own_cpu = _own_cpu_s() - own_before
        processes = _descendants(server.pid)
        sessions_pids = [pid for pid in processes if _is_session(pid)]
        server_cpu = _cpu_ticks([pid for pid in [server.pid, *processes]
                                 if pid not in sessions_pids]) / TICKS - server_before
        # CPU each session has used so far: its start-up, on any machine load.
        start_cpu = [_cpu_ticks([pid]) / TICKS for pid in sessions_pids]
        # Each app keeps working for a few seconds after its first frame:
        # measured apart from the idle room.
        settle = await _cpu_share([server.pid, *processes], SETTLE_S)
        pss = [_pss_mib(pid) for pid in sessions_pids]
        pids = [server.pid, *processes]
        helpers = sum(_pss_mib(pid) for pid in processes if pid not in sessions_pids)
        sent_before = [len(c.received) for c in clients]
        idle = await _cpu_share(pids, idle_s)
        idle_bytes = [len(c.received) - b for c, b in zip(clients, sent_before, strict=True)]
        slide = _demo_slide()
        for c in clients:
            assert c.process is not None
            c.process.stdin.write(RIGHT * (slide - 1))
        await asyncio.sleep(3.0)
        demo = await _cpu_share(pids, demo_s)
        demo_pss = [_pss_mib(pid) for pid in sessions_pids]
        for c in clients:
            assert c.process is not None
            c.process.stdin.write(b"q")
        first = sorted(c.first_screen_s or 0.0 for c in clients)
        total_bytes = [len(c.received) for c in clients]
        return {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{_cpu_name()}, {os.cpu_count()} cores, {platform.machine()}",
            "sessions": sessions,
            "fork_server": fork_server,
            "load_before": load_before,
            "first_screen_s": {"median": statistics.median(first), "max": first[-1],
                               "p90": first[min(len(first) - 1, int(0.9 * len(first)))]},
            "start_cpu_s": {"median": statistics.median(start_cpu), "total": sum(start_cpu),
                            "server": server_cpu, "clients": own_cpu},
            "pss_mib": {"median_session": statistics.median(pss),
                        "median_session_on_demo": statistics.median(demo_pss),
                        "server": _pss_mib(server.pid) + helpers,
                        "total": sum(pss) + _pss_mib(server.pid) + helpers},
            "cpu_cores": {"settle": settle, "settle_window_s": SETTLE_S, "idle": idle,
                          "demo": demo, "idle_window_s": idle_s,
                          "demo_window_s": demo_s, "demo_slide": slide},
            "bytes": {"median_session_total": statistics.median(total_bytes),
                      "median_session_idle_per_s": statistics.median(idle_bytes) / idle_s},
        }
    finally:
        if server.returncode is None:
            server.send_signal(2)
            try:
                await asyncio.wait_for(server.wait(), 60)
            except TimeoutError:
                server.kill()
        room.cleanup()


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def as_text(r: dict[str, object]) -> str:
    """The result as labelled lines, at most 80 columns wide."""
    f, s, p, c, b = (r[k] for k in ("first_screen_s", "start_cpu_s", "pss_mib", "cpu_cores",
                                    "bytes"))
    assert isinstance(f, dict) and isinstance(p, dict) and isinstance(c, dict)
    assert isinstance(b, dict) and isinstance(s, dict)
    how = "forked from the fork server" if r["fork_server"] else "each a fresh process"
    rows = [
        ("run", f"{r['date']}, load average {r['load_before']} before it"),
        ("machine", str(r["machine"])),
        ("first screen", f"median {f['median']:.1f} s, p90 {f['p90']:.1f} s, max "
                         f"{f['max']:.1f} s after connecting (goal: within 3 s for each of 30)"),
        ("CPU to start", f"median {s['median']:.2f} s a session, {s['total']:.1f} s for the "
                         "room, to the first screen"),
        ("CPU meanwhile", f"server and fork server {s['server']:.1f} s, this bench's SSH "
                          f"clients {s['clients']:.1f} s, while the room connected"),
        ("memory (PSS)", f"median {p['median_session']:.0f} MiB a session, server and fork "
                         f"server {p['server']:.0f} MiB, room {p['total']:.0f} MiB"),
        ("CPU, settling", f"{c['settle']:.1%} of one core, {c['settle_window_s']:g} s after "
                          "the first screens"),
        ("CPU, idle", f"{c['idle']:.1%} of one core over {c['idle_window_s']:g} s, the room "
                      "idle (goal: under 5%)"),
        ("CPU, on a demo", f"{c['demo']:.1%} of one core over {c['demo_window_s']:g} s, every "
                           f"session on slide {c['demo_slide']}; PSS then "
                           f"{p['median_session_on_demo']:.0f} MiB a session"),
        ("bytes sent", f"median {b['median_session_total'] / 1024:.0f} KiB a session in all, "
                       f"{b['median_session_idle_per_s']:.0f} B/s while idle"),
    ]
    label = max(len(name) for name, _ in rows) + 4
    title = (f"dltutor bench --serve: {r['sessions']} sessions through SSH on 127.0.0.1, "
             f"{how}")
    lines = [textwrap.fill(title, 80, subsequent_indent="  ")]
    lines += [textwrap.fill(value, 80, initial_indent=f"  {name:<{label - 2}}",
                            subsequent_indent=" " * label) for name, value in rows]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dltutor bench --serve", description=__doc__)
    parser.add_argument("-n", "--sessions", type=int, default=30)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle measurement")
    parser.add_argument("--demo", type=float, default=10.0, help="seconds with a demo on screen")
    parser.add_argument("--no-fork-server", action="store_true",
                        help="every session a fresh process (to compare)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.sessions, args.idle, args.demo, not args.no_fork_server))
    sys.stdout.write(json.dumps(result, indent=2) + "\n" if args.json else as_text(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`dltutor bench --ui`: the pty harness on a stand-in program, and the report.

The stand-in draws a "frame" every 50 ms, answers each key at once and
records its lesson event, like a demo would; no timing is asserted, only
that every field of the report is measured.
"""

from __future__ import annotations

import json
import sys
import textwrap
from dataclasses import fields
from pathlib import Path

import pytest

from tutor.bench import ui
from tutor.bench.pty_session import key_bytes, measure_session

STAND_IN = textwrap.dedent("""
    import json, os, select, sys, termios, time, tty
    tty.setraw(0)
    with open(os.environ["DLTUTOR_EVENTS"], "a") as events:
        events.write(json.dumps({"event": "lesson", "demo": "stand-in",
                                 "t": time.monotonic()}) + "\\n")
    while True:
        ready, _, _ = select.select([0], [], [], 0.05)
        if ready:
            key = os.read(0, 16)
            if b"\\x11" in key:
                break
            os.write(1, b"key " + key + b"\\r\\n")
        else:
            os.write(1, b"\\x1b[H frame " + str(time.monotonic()).encode())
""")

needs_pty = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux pty and /proc")


@needs_pty
def test_a_session_reports_every_field(tmp_path: Path) -> None:
    run = ui.DemoRun("stand-in", "000-stand-in", ("space",))
    session = measure_session([sys.executable, "-c", STAND_IN], seconds=2.0,
                              keys=[b" "], key_every_s=0.2, settle_s=0.5,
                              events_file=tmp_path / "events.jsonl")
    result = ui.summarize(run, session)
    assert result.exit_code == 0  # ctrl+q ended it
    assert result.bytes_per_s > 0 and result.frames > 1
    assert result.cpu_share >= 0
    assert result.key_presses >= 1
    assert result.key_p50_ms is not None and result.key_p95_ms is not None
    assert result.lesson_s is not None and result.lesson_s >= 0
    assert set(result.verdicts()) == {"bytes", "cpu", "keys", "lesson"}
    table = ui.render_table([result], {"softmax": "not built yet"})
    assert all(len(line) <= 80 for line in table.splitlines())
    assert "stand-in" in table and "skipped softmax: not built yet" in table
    row = json.loads(json.dumps(ui.asdict(result)))
    assert set(row) == {f.name for f in fields(ui.DemoResult)}


def test_frames_are_bursts_of_writes() -> None:
    writes = [(0.0, 10), (0.001, 10), (0.002, 5), (0.100, 7), (0.2, 1), (0.2005, 1)]
    assert ui.frames(writes) == 3
    assert ui.frames([]) == 0


def test_percentiles_by_nearest_rank() -> None:
    assert ui.percentile([], 0.5) is None
    assert ui.percentile([5.0], 0.95) == 5.0
    values = [float(v) for v in range(1, 101)]
    assert ui.percentile(values, 0.5) == 50.0
    assert ui.percentile(values, 0.95) == 95.0


def test_keys_the_terminal_can_send() -> None:
    assert key_bytes("a") == b"a" and key_bytes("space") == b" "
    assert key_bytes("left") == b"\x1b[D" and key_bytes("ctrl+shift+f13") is None


def test_demos_without_a_widget_are_skipped_with_a_note() -> None:
    runs, skipped = ui.demo_runs("deep-learning")
    names = [r.demo for r in runs] + list(skipped)
    assert len(names) == len(set(names)) and "lr-race" in names  # each demo once
    assert all(reason == "not built yet" for reason in skipped.values())
    assert all(r.slide for r in runs)


SILENT_ON_X = STAND_IN.replace('os.write(1, b"key " + key + b"\\r\\n")',
                               'key == b"x" or os.write(1, b"key " + key + b"\\r\\n")'
                               ).replace("0.05)", "5)").replace(
                                   'os.write(1, b"\\x1b[H frame " + str(time.monotonic()).encode())',
                                   "pass").replace(
                                   "tty.setraw(0)", "tty.setraw(0); os.write(1, b'ready')")


@needs_pty
def test_a_key_that_draws_nothing_is_counted_silent_not_timed(tmp_path: Path) -> None:
    assert SILENT_ON_X != STAND_IN
    session = measure_session([sys.executable, "-c", SILENT_ON_X], seconds=6.0,
                              keys=[b"x", b"y"], key_every_s=0.2, settle_s=0.0,
                              events_file=tmp_path / "events.jsonl")
    # Presses alternate: every "y" is answered, every "x" is not; the harness
    # gives up on an "x" after a second and carries on with the next key.
    assert session.silent_keys >= 1
    assert len(session.key_latencies_s) >= 1
    assert abs(session.silent_keys - len(session.key_latencies_s)) <= 1


def test_the_bench_presses_each_action_twice_and_never_leaves_the_demo() -> None:
    from textual.binding import Binding

    class Demo:
        BINDINGS = [Binding("space", "toggle_run", "Pause/run"),
                    Binding("plus,equals_sign", "more", "More"),
                    Binding("ctrl+shift+f13", "nothing", "Not sendable"),
                    Binding("r", "more", "Same action again"),
                    Binding("enter", "open", "Open the slide")]

    assert ui._demo_keys(Demo) == ("space", "space", "plus", "plus")


LATE_LESSON = textwrap.dedent("""
    import json, os, select, sys, termios, time, tty
    tty.setraw(0)
    os.write(1, b"ready")
    started = time.monotonic()
    def record(event):
        with open(os.environ["DLTUTOR_EVENTS"], "a") as events:
            events.write(json.dumps({"event": event, "t": time.monotonic()}) + "\\n")
    taught = False
    while True:
        if not taught and time.monotonic() - started > 1.0:
            record("lesson")
            taught = True
        ready, _, _ = select.select([0], [], [], 0.05)
        if ready:
            key = os.read(0, 16)
            if b"\\x11" in key:
                break
            record("key")
            os.write(1, b"key")
""")


@needs_pty
def test_keys_wait_for_the_lesson(tmp_path: Path) -> None:
    session = measure_session([sys.executable, "-c", LATE_LESSON], seconds=3.0,
                              keys=[b"k"], key_every_s=0.1, settle_s=0.0,
                              events_file=tmp_path / "events.jsonl",
                              keys_after_event="lesson", keys_after_s=30.0)
    lesson = [e["t"] for e in session.events if e["event"] == "lesson"]
    keys = [e["t"] for e in session.events if e["event"] == "key"]
    assert lesson and keys  # the lesson came, then keys were pressed
    assert min(keys) >= lesson[0]  # type: ignore[operator]

"""`dltutor bench --ui`: each live demo of a deck, run headless in a pseudo-terminal.

For every demo of the deck (its first slide), the app is started as a
learner would start it, `dltutor DECK --slide ID`, in a 100x30 pty with
TERM=xterm-256color and a fresh state folder, for a fixed time. Measured:

- bytes/s the app writes to the terminal (from one second after its first
  output, so the first full paint is left out): what a room's network carries;
- CPU share of one core used by the whole process (/proc/PID/stat, user +
  system, over the same window), training and drawing together;
- frames drawn: output bursts (writes less than 4 ms apart are one frame);
- key-to-screen latency: once the lesson shows (or 10 s have passed; at once
  where the lesson is the learner's answer), the demo's own keys are pressed
  in turn, each twice in a row, one every half second when the output is
  quiet, and the time to the next output byte is kept; a press that draws
  nothing within a second counts as silent (an animation frame due anyway
  can only make it look faster, so p95 is a fair ceiling when frames are
  100 ms apart or more);
- time until the lesson is visible: the app appends `{"event": "lesson"}`
  to the file named by DLTUTOR_EVENTS when a demo's verdict first shows
  (`tutor.events`), measured from the moment the process was started.

Kernels are warmed in the disk cache first, so the numbers are those of a
machine where `dltutor warmup` ran (the first run on a fresh machine
compiles for longer: `dltutor warmup` prints how long).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from tutor.bench.pty_session import BURST_GAP_S, Session, key_bytes, measure_session

SIZE = (100, 30)
TARGET_BYTES_PER_S = 20_000
TARGET_CPU_SHARE = 0.5
TARGET_KEY_P95_S = 0.100
TARGET_LESSON_S = 10.0


@dataclass(frozen=True)
class DemoRun:
    """A demo to measure: the slide that shows it and the keys to press."""

    demo: str
    slide: str
    keys: tuple[str, ...]
    keys_at_once: bool = False
    """The lesson comes from the learner's keys (a questionnaire): press them
    from the start instead of waiting for it."""


@dataclass
class DemoResult:
    demo: str
    slide: str
    seconds: float
    bytes_per_s: float
    cpu_share: float
    frames: int
    key_presses: int
    silent_keys: int
    """Presses after which nothing was drawn within a second (not in the latencies)."""
    key_p50_ms: float | None
    key_p95_ms: float | None
    lesson_s: float | None
    """Seconds from process start until the lesson was visible; None if never."""
    exit_code: int | None

    def verdicts(self) -> dict[str, bool]:
        """Each target: met or not (a latency never measured is not met)."""
        return {
            "bytes": self.bytes_per_s <= TARGET_BYTES_PER_S,
            "cpu": self.cpu_share <= TARGET_CPU_SHARE,
            "keys": self.key_p95_ms is not None and self.key_p95_ms <= TARGET_KEY_P95_S * 1000,
            "lesson": self.lesson_s is not None and self.lesson_s <= TARGET_LESSON_S,
        }


def frames(writes: Sequence[tuple[float, int]], gap_s: float = BURST_GAP_S) -> int:
    """Output bursts: writes closer than `gap_s` to the previous one join its burst."""
    count = 0
    last = None
    for at, _ in writes:
        if last is None or at - last > gap_s:
            count += 1
        last = at
    return count


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0..1) by the nearest-rank rule; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q * len(ordered) - 1e-9)))
    return ordered[rank - 1]


def summarize(run: DemoRun, session: Session) -> DemoResult:
    """Turn what the terminal saw into the report's numbers."""
    window_start = session.window_start if session.window_start is not None else session.ended
    late = [(at, n) for at, n in session.writes if at >= window_start]
    wall = max(session.ended - window_start, 1e-9)
    cpu_s, cpu_wall = session.cpu_window
    lesson = next((e for e in session.events
                   if e.get("event") == "lesson" and e.get("demo") == run.demo), None)
    latencies_ms = [s * 1000 for s in session.key_latencies_s]
    p50, p95 = percentile(latencies_ms, 0.5), percentile(latencies_ms, 0.95)
    return DemoResult(
        demo=run.demo, slide=run.slide, seconds=round(session.ended - session.started, 2),
        bytes_per_s=sum(n for _, n in late) / wall,
        cpu_share=cpu_s / cpu_wall if cpu_wall > 0 else float("nan"),
        frames=frames(session.writes),
        key_presses=len(session.key_latencies_s),
        silent_keys=session.silent_keys,
        key_p50_ms=p50, key_p95_ms=p95,
        lesson_s=None if lesson is None else float(lesson["t"]) - session.started,  # type: ignore[arg-type]
        exit_code=session.exit_code,
    )


def demo_runs(deck_id: str) -> tuple[list[DemoRun], dict[str, str]]:
    """The demos of a deck with a widget in this version (first slide of each),
    and the others with the reason they are skipped."""
    from tutor.content.loader import load_deck
    from tutor.locations import content_dir
    from tutor.ui.demos.registry import widget_class

    deck = load_deck(content_dir() / deck_id)
    runs: list[DemoRun] = []
    skipped: dict[str, str] = {}
    seen: set[str] = set()
    for slide in deck.slides:
        if slide.demo is None or slide.demo.name in seen:
            continue
        seen.add(slide.demo.name)
        widget = widget_class(slide.demo.name)
        if widget is None:
            skipped[slide.demo.name] = "not built yet"
            continue
        runs.append(DemoRun(slide.demo.name, slide.id, _demo_keys(widget),
                            keys_at_once=getattr(widget, "LESSON_BY_KEYS", False)))
    return runs, skipped


LEAVING_ACTIONS = frozenset({"open"})
"""Demo actions that take the learner to another slide: not pressed."""


def _demo_keys(widget: type) -> tuple[str, ...]:
    """The keys to press, in turn: the first key of each of the demo's own
    actions that a terminal can send, twice in a row (a toggle such as
    pause/run ends where it started; a second press with nothing left to
    change is counted silent)."""
    keys: list[str] = []
    actions: set[str] = set()
    for binding in widget.__dict__.get("BINDINGS", []):
        spec, action = ((binding.key, binding.action) if hasattr(binding, "key")
                        else (binding[0], binding[1]))
        name = action.split("(")[0]
        sendable = [k.strip() for k in spec.split(",") if key_bytes(k.strip()) is not None]
        if not sendable or action in actions or name in LEAVING_ACTIONS:
            continue
        actions.add(action)
        keys.extend([sendable[0]] * 2)
    return tuple(keys)


def run_demo(run: DemoRun, deck_id: str, seconds: float, settle_s: float = 1.0) -> DemoResult:
    """Start the app on the demo's slide in a pty and measure it."""
    scratch = Path(tempfile.mkdtemp(prefix="dltutor-bench-ui-"))
    try:
        argv = [sys.executable, "-m", "tutor", deck_id, "--slide", run.slide,
                "--state-dir", str(scratch / "state")]
        keys = [b for k in run.keys if (b := key_bytes(k)) is not None]
        # At 100x30 most demos sit one key (d) away from their slide's text;
        # where the demo is already on screen, d does nothing.
        # Keys wait for the lesson (or TARGET_LESSON_S): a learner watches the
        # demo make its point before changing it, and a key that restarts a
        # run would otherwise keep the lesson from ever showing.
        session = measure_session(argv, seconds=seconds, size=SIZE, keys=keys,
                                  settle_s=settle_s, opening=b"d",
                                  events_file=scratch / "events.jsonl",
                                  keys_after_event=None if run.keys_at_once else "lesson",
                                  keys_after_s=TARGET_LESSON_S)
        return summarize(run, session)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def render_table(results: Sequence[DemoResult], skipped: dict[str, str]) -> str:
    """The report, at most 80 columns wide: a figure that misses its target is
    marked with `*` rather than named in a column of its own."""
    width = max([len("demo"), *(len(r.demo) for r in results)])
    header = (f"{'demo':<{width}} {'KB/s':>6} {'CPU%':>5} {'frames':>6} {'keys':>4} "
              f"{'p50ms':>5} {'p95ms':>6} {'lesson':>7}")
    lines = [header, "-" * len(header)]
    for r in results:
        ok = r.verdicts()
        lesson = "never" if r.lesson_s is None else f"{r.lesson_s:.1f}s"
        lines.append(
            f"{r.demo:<{width}} {_marked(f'{r.bytes_per_s / 1000:.1f}', ok['bytes']):>6} "
            f"{_marked(f'{r.cpu_share * 100:.0f}', ok['cpu']):>5} {r.frames:6d} "
            f"{r.key_presses:4d} {_ms(r.key_p50_ms):>5} "
            f"{_marked(_ms(r.key_p95_ms), ok['keys']):>6} {_marked(lesson, ok['lesson']):>7}")
    notes = [
        f"* misses its target: <= {TARGET_BYTES_PER_S / 1000:.0f} KB/s, <= "
        f"{TARGET_CPU_SHARE:.0%} of one core, key p95 <= {TARGET_KEY_P95_S * 1000:.0f} ms, "
        f"lesson <= {TARGET_LESSON_S:.0f} s",
        f"terminal {SIZE[0]}x{SIZE[1]}; KB/s and CPU from 1 s after the first output; "
        "keys: presses timed, from the lesson on (the demo's keys in turn, each twice, "
        "one every 0.5 s; presses that drew nothing within 1 s are left out); "
        "lesson: seconds from process start",
        *(f"skipped {demo}: {reason}" for demo, reason in skipped.items()),
    ]
    lines.append("")
    lines += [textwrap.fill(note, 80, subsequent_indent="  ") for note in notes]
    return "\n".join(lines)


def _marked(figure: str, met: bool) -> str:
    return figure if met else figure + "*"


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="dltutor bench --ui",
        description="Run each live demo in a pseudo-terminal and measure bytes, CPU, "
                    "frames, key latency and time to its lesson.")
    parser.add_argument("--deck", default="deep-learning")
    parser.add_argument("--seconds", type=float, default=20.0, help="per demo (default 20)")
    parser.add_argument("--only", help="comma-separated demo names")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--check", action="store_true", help="exit 1 unless every target is met")
    args = parser.parse_args(list(argv))

    runs, skipped = demo_runs(args.deck)
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {r.demo for r in runs} - set(skipped)
        if unknown:
            print(f"no such demo in {args.deck}: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        runs = [r for r in runs if r.demo in wanted]
        skipped = {d: why for d, why in skipped.items() if d in wanted}
    _warm_kernels([r.demo for r in runs], talk=not args.json)
    results = []
    for run in runs:
        if not args.json:
            print(f"running {run.demo} (slide {run.slide}) for {args.seconds:.0f} s...",
                  file=sys.stderr, flush=True)
        results.append(run_demo(run, args.deck, args.seconds))
    if args.json:
        print(json.dumps({"size": list(SIZE), "seconds": args.seconds,
                          "results": [asdict(r) | {"pass": r.verdicts()} for r in results],
                          "skipped": skipped}, indent=2))
    else:
        print(render_table(results, skipped))
    if args.check and not all(all(r.verdicts().values()) for r in results):
        return 1
    return 0


def _warm_kernels(demos: Sequence[str], talk: bool) -> None:
    """Fill the disk cache so each run measures the demo, not the compiler."""
    from tutor.nn.warmup import groups_for_demos, warm_up

    groups = groups_for_demos(demos)
    if groups:
        if talk:
            print(f"warming kernels: {', '.join(groups)}...", file=sys.stderr, flush=True)
        warm_up(groups)

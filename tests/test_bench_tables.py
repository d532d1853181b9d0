"""Every `dltutor bench` report reads whole in an 80-column terminal: no cell
cut, no line longer than 80, every figure there."""

from __future__ import annotations

import io

from rich.console import Console

from tutor.bench import report, timing, ui, workloads
from tutor.bench.compile_time import CompileTimes
from tutor.workshop import bench as serve_bench

# The longest demo names of the shipped decks (activation-explorer, linear-vs-nonlinear).
LONG_DEMOS = ("activation-explorer", "linear-vs-nonlinear", "lr-race")


def assert_fits(text: str, figures: list[str]) -> None:
    lines = text.splitlines()
    assert lines and "…" not in text
    too_long = [line for line in lines if len(line.rstrip()) > 80]
    assert not too_long, too_long
    flat = " ".join(text.split())
    missing = [figure for figure in figures if figure not in flat]
    assert not missing, f"{missing} not in:\n{text}"


def engine_report() -> report.Report:
    """Every workload, with the wide ranges a busy machine gives."""
    results = []
    for n, w in enumerate(w for w in workloads.WORKLOADS if w.name != "gru"):
        engine = (12_345.6e-6 / (n + 1), 1_234e-6, 250_000e-6)
        numpy = (98_765.4e-6 / (n + 1), 9_876e-6, 987_654e-6)
        deep = w.min_peak_share is not None
        results.append(timing.Result(
            w, timing.Timing(engine), timing.Timing(numpy), 3.2e-7,
            "float32" if deep else "float64", peak_gflops=12.3 if deep else None,
            peak_gflops_same_dtype=24.6 if deep else None, flops_per_step=6e6 if deep else None))
    missing = {"gru": "ERROR: RuntimeError: a long message about what went wrong in the model"}
    compile_times = CompileTimes(12.3, {"mlp": 3.1, "cnn": 4.2, "sequence": 2.2,
                                        "attention": 2.8},
                                 {"gru": {"import_s": 0.2, "numba_init_s": 0.1,
                                          "first_step_s": 0.31}})
    machine = {"cpu": "Intel(R) Xeon(R) CPU @ 2.20GHz", "cores": 2, "load_avg_1m_start": 1.93,
               "blas": "scipy-openblas 0.3.27", "blas_threads": 1, "numpy": "2.1.3",
               "numba": "0.60.0", "date": "2026-11-30T19:00:00+00:00"}
    rates = {"float64": {256: 12.3}, "float32": {256: 24.6}}
    return report.Report(results, missing, compile_times, None, rates, machine)


def test_the_engine_table_fits_80_columns() -> None:
    bench = engine_report()
    console = Console(width=80, record=True, file=io.StringIO())
    report.render(bench, console)
    text = console.export_text()
    figures = ["ERROR: RuntimeError: a long message", "Intel(R) Xeon(R) CPU @ 2.20GHz"]
    for r in bench.results:
        e, n = r.engine, r.numpy
        figures += [r.workload.name, r.workload.summary, f"{e.median_us:,.1f}",
                    f"{n.median_us:,.1f}", f"{e.min_us:,.0f}–{e.max_us:,.0f}",
                    f"{n.min_us:,.0f}–{n.max_us:,.0f}", f"{r.speedup:.2f}x",
                    f"{1e6 / e.median_us:,.0f}"]
    assert_fits(text, figures)
    assert "MISSING" not in text and "ERROR" in text  # the gru row says why it has no figures


def demo_result(demo: str, met: bool) -> ui.DemoResult:
    return ui.DemoResult(
        demo=demo, slide="070-x", seconds=20.0, bytes_per_s=4_321.0 if met else 123_456.0,
        cpu_share=0.12 if met else 1.85, frames=1234, key_presses=40, silent_keys=0,
        key_p50_ms=38.0, key_p95_ms=91.0 if met else 1234.0, lesson_s=2.5 if met else None,
        exit_code=0)


def test_the_ui_table_fits_80_columns_and_marks_missed_targets() -> None:
    results = [demo_result(name, met=n != 0) for n, name in enumerate(LONG_DEMOS)]
    text = ui.render_table(results, {"softmax": "not built yet in this version of dltutor, "
                                                "so there is nothing to measure"})
    assert_fits(text, [*LONG_DEMOS, "123.5*", "185*", "1234*", "never*", "4.3 ", "2.5s",
                       "skipped softmax: not built yet"])
    missed_row = next(line for line in text.splitlines() if line.startswith(LONG_DEMOS[0]))
    met_row = next(line for line in text.splitlines() if line.startswith(LONG_DEMOS[1]))
    assert missed_row.count("*") == 4 and "*" not in met_row


def test_the_serve_report_fits_80_columns() -> None:
    result = {
        "date": "2026-11-30T19:00:00+00:00",
        "machine": "Intel(R) Xeon(R) CPU @ 2.20GHz, 2 cores, x86_64", "sessions": 30,
        "fork_server": True, "load_before": 1.93,
        "first_screen_s": {"median": 1.7, "p90": 2.4, "max": 2.9},
        "start_cpu_s": {"median": 0.41, "total": 12.6, "server": 1.3, "clients": 0.9},
        "pss_mib": {"median_session": 31.0, "median_session_on_demo": 99.0, "server": 142.0,
                    "total": 1072.0},
        "cpu_cores": {"settle": 0.081, "settle_window_s": 5.0, "idle": 0.031, "demo": 1.234,
                      "idle_window_s": 10.0, "demo_window_s": 10.0, "demo_slide": 12},
        "bytes": {"median_session_total": 123_456.0, "median_session_idle_per_s": 12.0},
    }
    text = serve_bench.as_text(result)
    assert_fits(text, ["30 sessions", "forked from the fork server", "x86_64", "load average 1.93",
                       "median 1.7 s, p90 2.4 s, max 2.9 s after connecting", "12.6 s for the room",
                       "31 MiB a session", "room 1072 MiB", "8.1% of one core", "3.1%",
                       "123.4% of one core", "slide 12", "99 MiB", "121 KiB", "12 B/s"])


def test_the_room_bench_finds_its_marker_in_any_chunk() -> None:
    marker = serve_bench.MARKER.encode()
    frame = b"\x1b[1;2H\x1b[38;5;195m" + marker + b" 42\x1b[0m"
    # A slow reader: the first frame and 12 KB of frames after it in one read.
    received = bytearray(frame + b"x" * 12_000)
    assert serve_bench._shows_marker(received, len(received))
    # The marker cut in two by a read, with a style change at the cut.
    cut = frame.index(marker) + 4
    received = bytearray(b"y" * 9_000 + frame[:cut] + b"\x1b[1m")
    assert not serve_bench._shows_marker(received, len(received))
    received += frame[cut:]
    assert serve_bench._shows_marker(received, len(frame) - cut)
    # Bytes that arrive later, without the marker, do not count.
    received = bytearray(frame + b"z" * 1_000)
    assert not serve_bench._shows_marker(received, 500)

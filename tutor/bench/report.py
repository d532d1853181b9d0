"""The benchmark's report: a table with one row per workload, a line per
extra figure and target, and the same as one JSON object."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tutor.bench.compile_time import COLD_COMPILE_TARGET_S, WARM_FIRST_STEP_TARGET_S, CompileTimes
from tutor.bench.timing import MATHS_TOLERANCE, Result, Timing
from tutor.bench.workloads import PEAK_SHARE_TARGET, Workload


def _mark(ok: bool) -> str:
    return "pass" if ok else "FAIL"


@dataclass
class Report:
    results: list[Result]
    missing: dict[str, str]  # workload -> why it could not run (no model yet, or an error)
    compile_times: CompileTimes | None
    compile_error: str | None
    matmul_rates: dict[str, dict[int, float]]  # dtype -> size -> GFLOP/s
    machine: dict[str, Any]

    @property
    def peak_gflops(self) -> float:
        """The best float64 rate of the up-front size sweep (machine info only)."""
        return max(self.matmul_rates["float64"].values())

    @property
    def passed(self) -> bool:
        compile_ok = self.compile_times is not None and (
            self.compile_times.cold_s < COLD_COMPILE_TARGET_S
            and self.compile_times.warm_first_step_s < WARM_FIRST_STEP_TARGET_S
        )
        return not self.missing and compile_ok and all(r.passed for r in self.results)

    def as_json(self) -> dict[str, Any]:
        ct = self.compile_times
        return {
            "workloads": [r.as_json() for r in self.results],
            "missing": [{"name": k, "reason": v} for k, v in self.missing.items()],
            "compile_cold_s": ct.cold_s if ct else None,
            "compile_cold_per_model_s": ct.cold_per_model_s if ct else None,
            "compile_warm_s": ct.warm_first_step_s if ct else None,
            "compile_warm_per_workload": ct.warm if ct else None,
            "compile_error": self.compile_error,
            "targets": {
                "mlp_speedup": 2.0,
                "cnn_gru_attention_speedup": 1.5,
                "deep_peak_share": PEAK_SHARE_TARGET,
                "compile_cold_s": COLD_COMPILE_TARGET_S,
                "compile_warm_s": WARM_FIRST_STEP_TARGET_S,
            },
            "passed": self.passed,
            "machine": self.machine
            | {
                "peak_gflops": self.peak_gflops,
                "matmul_gflops": {str(n): r for n, r in self.matmul_rates["float64"].items()},
                "matmul_gflops_float32": {
                    str(n): r for n, r in self.matmul_rates["float32"].items()
                },
            },
        }


def _target(workload: Workload) -> str:
    """The workload's target, short enough for its column (the JSON has the long form)."""
    if workload.min_speedup is not None:
        return f">= {workload.min_speedup:g}x"
    if workload.min_peak_share is not None:
        return f">= {workload.min_peak_share:.0%} peak"
    return ""


def _timing(t: Timing) -> Text:
    """Median over its range, in one cell of two lines."""
    cell = Text(f"{t.median_us:,.1f}\n", no_wrap=True)
    cell.append(f"{t.min_us:,.0f}–{t.max_us:,.0f}", style="dim")
    return cell


def table(report: Report) -> Table:
    """One row per workload, two lines each (medians over their ranges): about
    75 columns wide, so an 80-column terminal shows every figure whole."""
    grid = Table(title="dltutor engine vs plain numpy: one training step",
                 caption="µs: median of the rounds over min–max", box=box.SIMPLE_HEAD,
                 show_edge=False, padding=(0, 0, 0, 1), title_justify="left",
                 caption_justify="left")
    for header, justify in (
        ("workload", "left"), ("engine µs", "right"), ("numpy µs", "right"),
        ("speedup", "right"), ("steps/s", "right"), ("target", "left"), ("", "left"),
    ):
        grid.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for r in report.results:
        grid.add_row(r.workload.name, _timing(r.engine), _timing(r.numpy),
                     f"{r.speedup:.2f}x", f"{1e6 / r.engine.median_us:,.0f}",
                     _target(r.workload), _mark(r.passed))
    for name, why in report.missing.items():
        grid.add_row(name, "", "", "", "", "", "ERROR" if why.startswith("ERROR") else "MISSING")
    return grid


def render(report: Report, console: Console) -> None:
    """The table, what each workload trains, then one line per extra figure and
    target, each wrapped to the console's width."""
    named = [r.workload.name for r in report.results] + list(report.missing)
    width = max(map(len, named), default=0)
    lines = ["each step trains:"]
    lines += [f"  {r.workload.name:<{width}}  {r.workload.summary}" for r in report.results]
    lines += [f"  {name:<{width}}  not measured: {why}" for name, why in report.missing.items()]
    for r in report.results:
        if r.peak_share is not None:
            lines.append(
                f"{r.workload.name}: {r.achieved_gflops:.1f} GFLOP/s "
                f"({r.dtype}, 6·N·Σ in·out per step) = {r.peak_share:.0%} of the single-core "
                f"float64 matmul peak "
                f"{r.peak_gflops:.1f} GFLOP/s (target >= {PEAK_SHARE_TARGET:.0%}): "
                f"{_mark(r.peak_share >= PEAK_SHARE_TARGET)}"
            )
            if r.peak_share_same_dtype is not None and r.dtype != "float64":
                lines.append(
                    f"  (and {r.peak_share_same_dtype:.0%} of the {r.dtype} matmul peak "
                    f"{r.peak_gflops_same_dtype:.1f} GFLOP/s, the like-for-like figure)"
                )
    worst = max((r.maths_difference for r in report.results), default=0.0)
    lines.append(
        f"same maths: largest relative loss/gradient difference engine vs numpy {worst:.1e} "
        f"(must be < {MATHS_TOLERANCE:g}): {_mark(worst < MATHS_TOLERANCE)}"
    )
    ct = report.compile_times
    if ct is not None:
        lines.append(
            f"cold compile of every kernel: {ct.cold_s:.1f} s "
            f"(target < {COLD_COMPILE_TARGET_S:g} s): {_mark(ct.cold_s < COLD_COMPILE_TARGET_S)}  ["
            + ", ".join(f"{k} {v:.1f}" for k, v in ct.cold_per_model_s.items()) + "]"
        )
        slowest = ct.warm.get(ct.slowest_warm, {})
        lines.append(
            f"warm cache, first training step after import: {ct.warm_first_step_s:.3f} s "
            f"(slowest: {ct.slowest_warm}; target < {WARM_FIRST_STEP_TARGET_S} s): "
            f"{_mark(ct.warm_first_step_s < WARM_FIRST_STEP_TARGET_S)}"
        )
        lines.append(
            f"  of which numba's one-time set-up {slowest.get('numba_init_s', float('nan')):.3f} s;"
            f" the import before it took {slowest.get('import_s', float('nan')):.3f} s"
        )
    elif report.compile_error:
        lines.append(f"compile times: not measured ({report.compile_error})")
    m = report.machine
    lines.append(
        f"machine: {m['cpu']}, {m['cores']} cores, load {m['load_avg_1m_start']:.2f} at start; "
        f"{m['blas']} ({m['blas_threads']} thread); numpy {m['numpy']}, numba {m['numba']}; "
        f"{m['date']}"
    )
    overall = "all targets met" if report.passed else "some targets NOT met"
    if report.compile_times is None:
        overall += " (compile times not measured)"
    lines.append(f"overall: {overall}")

    console.print(table(report))
    for line in lines:
        # A long line goes on indented, so each figure still starts a line.
        indent = " " * (len(line) - len(line.lstrip()) + 4)
        wrapped = textwrap.fill(line, console.width, subsequent_indent=indent)
        console.print(wrapped, highlight=False, markup=False)


def render_text(report: Report) -> str:
    """The report as plain text (no colours)."""
    console = Console(width=150, record=True, file=io.StringIO())
    render(report, console)
    return console.export_text()

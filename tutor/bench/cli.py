"""The command line of `dltutor bench` / `python -m tutor.bench`."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence

import numpy as np
from rich.console import Console

from tutor.bench.compile_time import measure_compile_times
from tutor.bench.machine import machine_info, matmul_gflops
from tutor.bench.report import Report, render
from tutor.bench.timing import Result, run_workload
from tutor.bench.workloads import WORKLOAD_NAMES, WORKLOADS


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="dltutor bench", description="Time the engine against plain numpy."
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="few repetitions (for tests)")
    parser.add_argument("--only", help=f"comma-separated, out of {','.join(WORKLOAD_NAMES)}")
    parser.add_argument("--no-compile", action="store_true", help="skip the compile subprocesses")
    parser.add_argument("--rounds", type=int, help="timing rounds per workload")
    parser.add_argument("--check", action="store_true", help="exit 1 unless every target is met")
    parser.add_argument("--ui", action="store_true",
                        help="measure the live demos in a terminal instead (see --ui --help)")
    parser.add_argument("--first-screen", action="store_true",
                        help="only time the first screen against a hello-world Textual app")
    return parser.parse_args(list(argv))


def _progress(enabled: bool, message: str) -> None:
    if enabled:
        print(message, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--ui" in argv:
        from tutor.bench import ui

        return ui.main([a for a in argv if a != "--ui"])
    args = _parse(argv)
    if args.first_screen:
        from tutor.bench import first_screen

        return first_screen.main()
    chosen_names = args.only.split(",") if args.only else list(WORKLOAD_NAMES)
    unknown = [n for n in chosen_names if n not in WORKLOAD_NAMES]
    if unknown:
        print(f"unknown workload(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    names = [n for n in WORKLOAD_NAMES if n in chosen_names]
    rounds = args.rounds or (6 if args.quick else 40)
    block_s, warmup_s = (0.002, 0.05) if args.quick else (0.01, 0.3)
    talk = not args.json

    machine = machine_info()
    _progress(talk, "measuring the single-core float64 matmul rate...")
    sizes, repeats = ((256, 512), 5) if args.quick else ((256, 512, 1024), 15)
    rates = {
        "float64": matmul_gflops(sizes, repeats, np.float64),
        "float32": matmul_gflops(sizes, repeats, np.float32),
    }

    results: list[Result] = []
    missing: dict[str, str] = {}
    known = {w.name: w for w in WORKLOADS}
    for name in names:
        chosen = known.get(name)
        if chosen is None:
            missing[name] = "no engine model yet"
            continue
        try:
            importlib.import_module(chosen.module)
        except ModuleNotFoundError as error:
            if not (error.name or "").startswith("tutor"):
                raise  # a missing dependency is a broken install, not a missing model
            missing[name] = f"no engine model yet ({chosen.module})"
            continue
        _progress(talk, f"timing {name}...")
        try:
            results.append(run_workload(chosen, rounds, block_s, warmup_s))
        except Exception as error:  # one broken model must not hide the others
            missing[name] = f"ERROR {type(error).__name__}: {error}"

    compile_times, compile_error = None, None
    if not args.no_compile:
        _progress(talk, "measuring compile times in fresh processes (cold, then warm)...")
        measured = [r.workload for r in results]
        if args.quick:  # one warm start per model module (the mlp-* share their kernels)
            measured = list({w.module: w for w in reversed(measured)}.values())[::-1]
        try:
            compile_times = measure_compile_times(measured)
        except Exception as error:  # report, keep the timings
            compile_error = str(error)

    report = Report(results, missing, compile_times, compile_error, rates, machine)
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        wide_enough = None if sys.stdout.isatty() else 150  # pipes and files get the full table
        render(report, Console(width=wide_enough))
    return 1 if args.check and not report.passed else 0

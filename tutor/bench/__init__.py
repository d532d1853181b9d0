"""`dltutor bench`: how fast the engine trains, measured against plain numpy.

For each workload the engine model and a plain vectorised numpy twin
(`tutor.bench.reference`) start from the same weights and train on the same
batch. Their full training steps (forward, backward, Adam update) are timed
in alternating rounds, so whatever else the machine is doing slows both
alike; the table reports medians, with the min-max range over rounds.

Also measured: the machine's single-core float64 matmul rate (the yardstick
of mlp-deep), the cold compile time of every kernel (a subprocess with an
empty cache) and, once the cache is filled, the time from import to the
first training step of each workload (one fresh subprocess each).

Modules:
    workloads     what is timed: engine model + numpy twin + batch, and its target
    reference     the numpy twins
    timing        interleaved rounds, the matmul yardstick, one workload's Result
    machine       CPU, BLAS and the single-core matmul rate
    compile_time  cold compile and warm first step, in fresh processes
    report        the table, the extra lines and the JSON
    cli           argument parsing and the run as a whole
    ui            `--ui`: every live demo in a pseudo-terminal (bytes/s, CPU,
                  frames, key latency, time to its lesson)
    pty_session   runs one program in a pty and records what it writes

Usage: `dltutor bench [--json] [--quick] [--only NAME,...] [--no-compile] [--check]`,
`dltutor bench --ui [--json] [--seconds S] [--only DEMO,...] [--check]`
or `python -m tutor.bench ...`.
"""

from __future__ import annotations

from tutor.bench.cli import main

__all__ = ["main"]

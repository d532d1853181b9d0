"""Compile times, each measured in a fresh Python process: cold (every
kernel compiled into an empty cache) and warm (with that cache, import a
workload's model and take its first training step)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tutor.bench.workloads import Workload

COLD_COMPILE_TARGET_S = 20.0
WARM_FIRST_STEP_TARGET_S = 0.3

_COLD_SCRIPT = """
import json, time
start = time.perf_counter()
from tutor.nn.warmup import warm_up
per_model = warm_up()
print(json.dumps({"total_s": time.perf_counter() - start, "per_model_s": per_model}))
"""

_WARM_SCRIPT = """
import importlib, json, sys, time
from tutor.bench.workloads import workload
chosen = workload(sys.argv[1])
start = time.perf_counter()
importlib.import_module(chosen.module)
imported = time.perf_counter()
# numba sets up its compiler context on the first call of any kernel; timed apart
from numba.core.registry import cpu_target
cpu_target.target_context.refresh()
cpu_target.typing_context.refresh()
numba_ready = time.perf_counter()
setup = chosen.build(0)
setup.engine.step(setup.X, setup.y)
done = time.perf_counter()
print(json.dumps({"import_s": imported - start, "numba_init_s": numba_ready - imported,
                  "first_step_s": done - imported}))
"""


def _run_python(script: str, args: Sequence[str], cache_dir: Path) -> dict[str, Any]:
    env = dict(os.environ)
    env["NUMBA_CACHE_DIR"] = str(cache_dir)
    env["DLTUTOR_CACHE_DIR"] = str(cache_dir)
    package_parent = str(Path(__file__).resolve().parents[2])  # holds tutor/
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    completed = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )
    if completed.returncode != 0:
        last_line = (completed.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"subprocess failed: {last_line}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


@dataclass
class CompileTimes:
    cold_s: float
    cold_per_model_s: dict[str, float]
    warm: dict[str, dict[str, float]] = field(default_factory=dict)
    """workload -> {"import_s", "numba_init_s", "first_step_s"}."""

    @property
    def warm_first_step_s(self) -> float:
        """The slowest first step after import (the target is about any model)."""
        return max((w["first_step_s"] for w in self.warm.values()), default=float("nan"))

    @property
    def slowest_warm(self) -> str:
        return max(self.warm, key=lambda name: self.warm[name]["first_step_s"], default="")


def measure_compile_times(workloads: Sequence[Workload]) -> CompileTimes:
    """Cold: compile every kernel into an empty cache. Warm: with that cache,
    import each workload's model and take its first step, in a new process."""
    cache_dir = Path(tempfile.mkdtemp(prefix="dltutor-bench-cache-"))
    try:
        cold = _run_python(_COLD_SCRIPT, [], cache_dir)
        times = CompileTimes(cold["total_s"], cold["per_model_s"])
        for chosen in workloads:
            times.warm[chosen.name] = _run_python(_WARM_SCRIPT, [chosen.name], cache_dir)
        return times
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)

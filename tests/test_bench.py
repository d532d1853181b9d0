"""`dltutor bench`: its report has the documented shape, and its numpy twins
do the same maths as the engine. Speed itself is never asserted here."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from tutor import bench
from tutor.bench import cli as bench_cli
from tutor.bench import compile_time, timing, workloads
from tutor.bench import reference as bench_reference
from tutor.bench import report as bench_report
from tutor.bench.compile_time import CompileTimes

WORKLOAD_KEYS = {
    "name", "engine_us", "engine_us_min", "engine_us_max", "numpy_us", "numpy_us_min",
    "numpy_us_max", "speedup", "steps_per_s",
}


def _available() -> list[workloads.Workload]:
    available = []
    for workload in workloads.WORKLOADS:
        try:
            __import__(workload.module)
        except ImportError:
            continue
        available.append(workload)
    return available


@pytest.mark.parametrize("workload", _available(), ids=lambda w: w.name)
def test_engine_and_numpy_twin_do_the_same_maths(workload):
    setup = workload.build(0)
    assert timing.maths_difference(setup) < 1e-3  # float32 rounding only
    engine_loss = setup.engine.step(setup.X, setup.y)
    twin_loss = setup.reference.step(setup.X, setup.y)
    assert engine_loss == pytest.approx(twin_loss, rel=1e-4)
    # ...and after one Adam update they still agree
    assert timing.maths_difference(setup) < 1e-3


def _twins_on_random_batches(rng: np.random.Generator):
    """Small float64 twins with a batch each: (twin, X, y)."""
    mlps = [("tanh", "bce", (3, 4, 1)), ("relu", "cross_entropy", (3, 5, 4))]
    for activation, loss, sizes in mlps:
        twin = bench_reference.MLPReference(sizes, activation, loss, seed=2)
        X = rng.standard_normal((6, 3))
        yield twin, X, rng.integers(0, 2 if loss == "bce" else sizes[-1], size=6)
    gru = bench_reference.GRUReference(n_inputs=3, hidden=4, n_classes=3, seed=2)
    for name in ("Wh", "b", "Wo"):  # non-zero biases exercise every term
        gru.params[name][...] = rng.uniform(-0.5, 0.5, gru.params[name].shape)
    yield gru, rng.integers(0, 3, size=(5, 4)), rng.integers(0, 3, size=5)
    # 7x7 images: 5x5 maps, whose last row and column are not pooled
    cnn = bench_reference.CNNReference(7, in_channels=2, n_filters=3, kernel_size=3, n_classes=3,
                                       seed=2)
    cnn.params["conv_b"][...] = rng.uniform(-0.5, 0.5, 3)
    yield cnn, rng.standard_normal((4, 2, 7, 7)), rng.integers(0, 3, size=4)
    attention = bench_reference.AttentionReference(5, max_len=6, d_model=4, n_classes=3, seed=2)
    yield attention, rng.integers(0, 5, size=(3, 6)), rng.integers(0, 3, size=(3, 6))


def test_numpy_twins_match_finite_differences():
    rng = np.random.default_rng(1)
    for twin, X, y in _twins_on_random_batches(rng):
        _, grads = twin.loss_and_grads(X, y)
        for name, value in twin.params.items():
            for _ in range(3):
                index = tuple(rng.integers(0, n) for n in value.shape)
                original = value[index]
                value[index] = original + 1e-6
                up, _ = twin.loss_and_grads(X, y)
                value[index] = original - 1e-6
                down, _ = twin.loss_and_grads(X, y)
                value[index] = original
                numeric = (up - down) / 2e-6
                assert numeric == pytest.approx(grads[name][index], rel=1e-5, abs=1e-9), (
                    type(twin).__name__, name, index)


def test_rounds_rotate_the_order_and_report_every_round():
    calls: list[str] = []
    steps = [lambda name=name: calls.append(name) for name in "abc"]
    timings = timing.time_interleaved(steps, rounds=3, block_s=0.0, warmup_s=0.0)
    assert [len(t.per_step_s) for t in timings] == [3, 3, 3]
    assert all(t.min_us <= t.median_us <= t.max_us for t in timings)
    assert calls[-9:] == list("abcbcacab")  # block_s=0: blocks of one call


def test_deep_flops_count_forward_and_backward():
    assert workloads.mlp_flops((2, 3, 4), 10) == 6 * 10 * (2 * 3 + 3 * 4)


def test_unknown_workload_is_an_error(capsys):
    assert bench.main(["--only", "nope", "--no-compile"]) == 2


def _fake_compile_times(cold_s: float, first_step_s: float) -> Callable[..., CompileTimes]:
    """Stands in for the compile subprocesses (a cold compile of every kernel
    takes tens of seconds; `test_compile_scripts_report_their_times` runs them)."""

    def measure(measured: Sequence[workloads.Workload]) -> CompileTimes:
        warm = {w.name: {"import_s": 0.5, "numba_init_s": 0.1, "first_step_s": first_step_s}
                for w in measured}
        return CompileTimes(cold_s, {w.module: cold_s / len(measured) for w in measured}, warm)

    return measure


def test_quick_json_run_reports_every_documented_number(capsys, monkeypatch):
    asked: list[str] = []
    fake = _fake_compile_times(cold_s=3.0, first_step_s=0.05)

    def measure(measured):
        asked.extend(w.name for w in measured)
        return fake(measured)

    monkeypatch.setattr(bench_cli, "measure_compile_times", measure)
    assert bench.main(["--quick", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["compile_error"] is None
    assert report["compile_cold_s"] == 3.0 and report["compile_warm_s"] == 0.05
    assert report["machine"]["peak_gflops"] > 0
    names = [w["name"] for w in report["workloads"]]
    assert report["missing"] == []  # every engine model exists and ran
    assert sorted(names) == sorted(workloads.WORKLOAD_NAMES)
    assert "mlp-small" in names
    # --quick starts one warm process per model module (the mlp-* share their kernels)
    modules = [w.module for w in workloads.WORKLOADS if w.name in asked]
    assert sorted(modules) == sorted({w.module for w in workloads.WORKLOADS})
    for row in report["workloads"]:
        assert WORKLOAD_KEYS <= row.keys()
        assert all(row[key] > 0 for key in WORKLOAD_KEYS - {"name"})
        assert row["engine_us_min"] <= row["engine_us"] <= row["engine_us_max"]
    deep = next((w for w in report["workloads"] if w["name"] == "mlp-deep"), None)
    if deep is not None:
        assert deep["peak_gflops"] > 0 and 0 < deep["peak_share"]


def _result(name: str, engine_us: float, numpy_us: float, difference: float = 1e-6,
            flops: float | None = None, peak_gflops: float | None = None):
    chosen = workloads.workload(name)
    return timing.Result(chosen, timing.Timing((engine_us * 1e-6,)),
                         timing.Timing((numpy_us * 1e-6,)), difference, "float64",
                         peak_gflops=peak_gflops, flops_per_step=flops)


def _report(results, compile_times=None, missing=None):
    rates = {"float64": {256: 10.0}, "float32": {256: 20.0}}
    return bench_report.Report(results, missing or {}, compile_times, None, rates, {})


def test_targets_decide_whether_the_check_passes():
    fast, measured = _fake_compile_times(1.0, 0.05), list(workloads.WORKLOADS[:1])
    slow_cold, slow_warm = _fake_compile_times(60.0, 0.05), _fake_compile_times(1.0, 2.0)
    good = _result("mlp-small", 10.0, 30.0)
    assert good.passed
    assert _report([good], fast(measured)).passed
    assert not _result("mlp-small", 10.0, 15.0).passed  # 1.5x, the target is 2x
    assert not _result("mlp-small", 10.0, 30.0, difference=0.1).passed  # not the same maths
    # mlp-deep: 6e6 FLOPs in 1 ms is 6 GFLOP/s, against a 10 GFLOP/s peak
    assert _result("mlp-deep", 1000.0, 1000.0, flops=6e6, peak_gflops=10.0).passed
    assert not _result("mlp-deep", 1000.0, 1000.0, flops=6e6, peak_gflops=20.0).passed
    assert not _report([good]).passed  # compile times not measured
    assert not _report([good], slow_cold(measured)).passed
    assert not _report([good], slow_warm(measured)).passed
    assert not _report([good], fast(measured), missing={"gru": "no engine model yet"}).passed


def test_check_exits_1_when_a_target_is_missed(capsys, monkeypatch):
    monkeypatch.setattr(bench_cli, "measure_compile_times", _fake_compile_times(60.0, 0.05))
    assert bench.main(["--only", "mlp-small", "--quick", "--rounds", "2", "--check"]) == 1
    text = capsys.readouterr().out
    assert "cold compile of every kernel: 60.0 s" in text and "FAIL" in text
    assert "overall: some targets NOT met" in text


def test_a_failed_compile_measurement_keeps_the_timings(capsys, monkeypatch):
    def broken(measured):
        raise RuntimeError("subprocess failed: boom")

    monkeypatch.setattr(bench_cli, "measure_compile_times", broken)
    assert bench.main(["--only", "gru", "--quick", "--rounds", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["compile_error"] == "subprocess failed: boom"
    assert [w["name"] for w in report["workloads"]] == ["gru"]
    assert report["compile_cold_s"] is None and not report["passed"]


def test_compile_scripts_report_their_times():
    # With this session's filled cache both scripts run as they do in the
    # bench's fresh processes, without the cold compile itself.
    cache = Path(os.environ["NUMBA_CACHE_DIR"])
    cold = compile_time._run_python(compile_time._COLD_SCRIPT, [], cache)
    assert cold["total_s"] > 0
    assert cold["per_model_s"] and all(s >= 0 for s in cold["per_model_s"].values())
    warm = compile_time._run_python(compile_time._WARM_SCRIPT, ["mlp-small"], cache)
    assert warm.keys() == {"import_s", "numba_init_s", "first_step_s"}
    assert all(s > 0 for s in warm.values())


def test_compile_times_use_one_fresh_cache_and_remove_it(monkeypatch):
    calls: list[tuple[str, list[str], Path]] = []

    def run(script, args, cache_dir):
        assert cache_dir.is_dir() and not any(cache_dir.iterdir())  # empty: a cold start
        calls.append((script, list(args), cache_dir))
        if script == compile_time._COLD_SCRIPT:
            return {"total_s": 4.0, "per_model_s": {"mlp": 4.0}}
        return {"import_s": 0.2, "numba_init_s": 0.1, "first_step_s": 0.3 if args[0] == "gru"
                else 0.1}

    monkeypatch.setattr(compile_time, "_run_python", run)
    chosen = [workloads.workload("mlp-small"), workloads.workload("gru")]
    times = compile_time.measure_compile_times(chosen)
    assert [(script, args) for script, args, _ in calls] == [
        (compile_time._COLD_SCRIPT, []), (compile_time._WARM_SCRIPT, ["mlp-small"]),
        (compile_time._WARM_SCRIPT, ["gru"])]
    assert len({cache for _, _, cache in calls}) == 1
    assert not calls[0][2].exists()
    assert times.cold_s == 4.0 and times.warm_first_step_s == 0.3 and times.slowest_warm == "gru"

"""`dltutor bench`: its report has the documented shape, and its numpy twins
do the same maths as the engine. Speed itself is never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from tutor import bench
from tutor.bench import reference as bench_reference
from tutor.bench import timing, workloads

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


@pytest.mark.slow
def test_quick_json_run_reports_every_documented_number(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "tutor.bench", "--quick", "--json"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["compile_error"] is None
    assert report["compile_cold_s"] > 0 and report["compile_warm_s"] > 0
    assert report["machine"]["peak_gflops"] > 0
    names = [w["name"] for w in report["workloads"]]
    assert report["missing"] == []  # every engine model exists and ran
    assert sorted(names) == sorted(workloads.WORKLOAD_NAMES)
    assert "mlp-small" in names
    for row in report["workloads"]:
        assert WORKLOAD_KEYS <= row.keys()
        assert all(row[key] > 0 for key in WORKLOAD_KEYS - {"name"})
        assert row["engine_us_min"] <= row["engine_us"] <= row["engine_us_max"]
    deep = next((w for w in report["workloads"] if w["name"] == "mlp-deep"), None)
    if deep is not None:
        assert deep["peak_gflops"] > 0 and 0 < deep["peak_share"]

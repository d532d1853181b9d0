"""Kernel warm-up before training: `tutor.nn.warmup`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tutor.nn import warmup


def test_importing_warmup_does_not_import_numba():
    code = "import sys, tutor.nn.warmup; print('numba' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_every_model_is_warmed():
    assert set(warmup.MODELS) == {"mlp", "logistic", "cnn", "sequence", "attention"}


def test_warm_up_reports_seconds_per_model():
    seconds = warmup.warm_up(["mlp", "cnn"])
    assert list(seconds) == ["mlp", "cnn"] and all(s >= 0 for s in seconds.values())


def test_unknown_model_is_an_error():
    with pytest.raises(KeyError, match="unknown model"):
        warmup.warm_up(["transformer-xl"])


def test_background_warmup_runs_once_at_a_time():
    job = warmup.start_background_warmup()
    assert warmup.start_background_warmup() is job or job.done.is_set()
    assert job.wait(timeout=120), "warm-up did not finish"
    assert job.error is None
    assert set(job.seconds) == set(warmup.MODELS)


def test_background_warmup_keeps_errors_instead_of_raising(monkeypatch):
    def broken():
        raise RuntimeError("no compiler today")

    monkeypatch.setitem(warmup.WARMERS, "broken", broken)
    job = warmup.start_background_warmup(["broken"])
    assert job.wait(timeout=30)
    assert "no compiler today" in job.error

"""Kernel warm-up before training: `tutor.nn.warmup` and `tutor.nn.compiling`."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from tutor.nn import compiling, warmup

WAIT_S = 300.0  # a cold cache on a busy machine compiles for minutes; only a hang guard


def test_importing_warmup_does_not_import_numba():
    code = "import sys, tutor.nn.warmup; print('numba' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_every_group_has_an_expected_kernel_count():
    assert set(warmup.GROUPS) == {"mlp", "cnn", "sequence", "attention"}
    assert set(warmup.EXPECTED_COMPILES) == set(warmup.GROUPS)


def test_models_and_demos_map_to_groups():
    from tutor.nn.models.logistic import LogisticRegression, LogisticRegressionConfig
    from tutor.nn.models.mlp import MLP, MLPConfig

    assert warmup.groups_for(MLP(MLPConfig(sizes=(2, 3, 1)))) == ("mlp",)
    assert warmup.groups_for(LogisticRegression(LogisticRegressionConfig())) == ("mlp",)
    assert warmup.groups_for(MLP(MLPConfig(sizes=(2, 3, 1), dtype="float64"))) == ()
    assert warmup.groups_for(object()) == ()
    names = ["lr-race", "convolution", "no-such-demo", "overfitting", "attention-map"]
    assert warmup.groups_for_demos(names) == ("mlp", "cnn", "attention")


def test_warm_up_reports_seconds_and_progress_per_group():
    seen: list[tuple[str, int, int]] = []
    seconds = warmup.warm_up(["mlp", "cnn"], on_progress=lambda *p: seen.append(p))
    assert list(seconds) == ["mlp", "cnn"] and all(s >= 0 for s in seconds.values())
    assert seen[-1] == ("cnn", warmup.EXPECTED_COMPILES["cnn"], warmup.EXPECTED_COMPILES["cnn"])
    assert warmup.progress(["mlp", "cnn"])[0] == warmup.progress(["mlp", "cnn"])[1]


def test_unknown_group_is_an_error():
    with pytest.raises(KeyError, match="unknown kernel group"):
        warmup.warm_up(["transformer-xl"])


def test_background_warmup_runs_at_low_priority_and_reports_progress(monkeypatch):
    niceness: list[int] = []
    original = warmup.lower_this_threads_priority

    def lower() -> None:
        original()
        import os

        niceness.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    monkeypatch.setattr(warmup, "lower_this_threads_priority", lower)
    job = warmup.start_background_warmup(warmup.groups_for_demos(["lr-race", "convolution"]))
    assert job.groups == ("mlp", "cnn")
    assert job.wait(WAIT_S), "warm-up did not finish"
    assert job.done and job.error is None
    assert job.progress()[0] == job.progress()[1] > 0
    assert set(job.seconds) == {"mlp", "cnn"}
    if sys.platform.startswith("linux"):
        assert niceness == [19]


def test_background_warmup_keeps_errors_instead_of_raising(monkeypatch):
    def broken():
        raise RuntimeError("no compiler today")

    monkeypatch.setitem(warmup.GROUPS, "broken", broken)
    job = warmup.start_background_warmup(["broken"])
    assert job.wait(WAIT_S)
    assert "no compiler today" in job.error
    assert not compiling.is_ready("broken")  # a later call tries again


def test_the_apps_warm_up_compiles_only_uncached_groups_in_a_low_priority_process(
        monkeypatch, tmp_path):
    from tutor.nn import cache_folder

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    started: list[list[str]] = []

    class Process:
        pid = -1  # setpriority on it fails, which warm_demos shrugs off

        def __init__(self, argv, **kwargs):
            started.append(list(argv))
            assert kwargs["stdin"] == subprocess.DEVNULL and kwargs["start_new_session"]

    monkeypatch.setattr(warmup.subprocess, "Popen", Process)
    assert isinstance(warmup.warm_demos(["lr-race", "convolution", "softmax"]), Process)
    assert started[-1][-4:] == ["warmup", "--quiet", "--groups", "mlp,cnn"]
    cache_folder.mark_cached("mlp")
    warmup.warm_demos(["lr-race", "convolution"])
    assert started[-1][-1] == "cnn"  # mlp is cached: only cnn is left to compile
    cache_folder.mark_cached("cnn")
    assert warmup.warm_demos(["lr-race", "convolution"]) is None
    assert len(started) == 2


def test_dltutor_warmup_marks_the_groups_it_compiled(monkeypatch, tmp_path, capsys):
    from tutor.cli import main
    from tutor.nn import cache_folder

    assert main(["warmup", "--groups", "nope"]) == 2
    assert "no kernel group nope" in capsys.readouterr().err
    assert main(["warmup", "--quiet", "--groups", "mlp"]) == 0
    assert capsys.readouterr().out == ""
    assert cache_folder.not_cached(["mlp"]) == ()


def test_the_cache_folder_belongs_to_one_install(monkeypatch, tmp_path):
    from tutor.nn import cache_folder

    here = cache_folder.sources_digest()
    copy = tmp_path / "elsewhere" / "nn"
    copy.parent.mkdir()
    import shutil
    from pathlib import Path

    shutil.copytree(Path(cache_folder.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    code = ("import importlib.util, sys; spec = importlib.util.spec_from_file_location("
            f"'cf', {str(copy / 'cache_folder.py')!r}); m = importlib.util.module_from_spec(spec); "
            "spec.loader.exec_module(m); print(m.sources_digest())")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    # Same sources, another place: numba's entries there are not ours, nor our markers.
    assert other and other != here

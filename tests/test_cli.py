"""The text commands: list, check, --version, and clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from tutor import __version__
from tutor.cli import main


def test_list_prints_every_deck(capsys: pytest.CaptureFixture[str], good_content: Path) -> None:
    assert main(["list", "--content", str(good_content)]) == 0
    out = capsys.readouterr().out
    assert out.index("beta") < out.index("alpha")
    assert "4 slides" in out and "after: beta" in out


def test_check_passes_on_good_content(capsys: pytest.CaptureFixture[str],
                                      good_content: Path) -> None:
    assert main(["check", str(good_content)]) == 0
    assert "ok: 2 deck(s), 5 slides" in capsys.readouterr().out


def test_check_fails_with_file_and_line(capsys: pytest.CaptureFixture[str],
                                        good_content: Path) -> None:
    quiz = good_content / "alpha" / "quiz.toml"
    quiz.write_text(quiz.read_text().replace("answer = 2", "answer = 7"))
    assert main(["check", str(good_content / "alpha")]) == 1
    out = capsys.readouterr().out
    assert f"{quiz}:15: answer 7 is out of range" in out


def test_bundled_content_checks_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "tutor", "check"], capture_output=True,
                            text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok:")


def test_version_and_help() -> None:
    for flag, expected in (("--version", f"dltutor {__version__}"), ("--help", "dltutor quiz")):
        result = subprocess.run([sys.executable, "-m", "tutor", flag], capture_output=True,
                                text=True, check=False)
        assert result.returncode == 0 and expected in result.stdout


def test_unknown_deck_is_an_error_not_a_traceback(tmp_path: Path, good_content: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "tutor", "nope", "--content",
                             str(good_content), "--state-dir", str(tmp_path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "no deck named 'nope'" in result.stderr and "Traceback" not in result.stderr


def test_warmup_compiles_every_model_family(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["warmup"]) == 0
    out = capsys.readouterr().out
    for family in ("mlp", "cnn", "sequence", "attention", "total"):
        assert family in out


def test_without_a_terminal_it_says_so_and_ends(tmp_path: Path, good_content: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "tutor", "--content", str(good_content),
                             "--state-dir", str(tmp_path)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=30, check=False)
    assert result.returncode == 2 and "needs an interactive terminal" in result.stderr


def test_slide_without_a_deck_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--slide", "3"])
    assert exited.value.code == 2 and "--slide needs a DECK" in capsys.readouterr().err


def test_a_state_folder_that_cannot_be_used_is_a_clear_error(
        tmp_path: Path, good_content: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from tutor.progress import ProgressStore, StateUnavailable

    def refuse(*args: object, **kwargs: object) -> None:
        raise StateUnavailable("cannot use saved progress at X: attempt to write a readonly "
                               "database")

    monkeypatch.setattr(ProgressStore, "open", refuse)
    code = main(["--content", str(good_content), "--state-dir", str(tmp_path)])
    assert code == 2 and "readonly database" in capsys.readouterr().err

"""The room's results from a database written the way sessions write it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.content import load_library
from tutor.progress import FILE_NAME, ProgressStore
from tutor.workshop.report import as_text, share_bar
from tutor.workshop.results import RoomReader, RoomUnavailable, read_room


def _answer(store: ProgressStore, choices: dict[str, int], library_dir: Path) -> None:
    deck = load_library(library_dir).get("alpha")
    questions = {q.id: q for q in deck.questions}
    attempt = store.start_attempt("alpha", list(choices))
    for qid, choice in choices.items():
        store.record_answer(attempt, qid, choice, choice == questions[qid].answer)
    store.finish_attempt(attempt)


@pytest.fixture
def room(tmp_path: Path, good_content: Path) -> Path:
    """ada right twice; bob wrong twice, then right on a retake; cy right once."""
    room_dir = tmp_path / "room"
    room_dir.mkdir()
    for name, rounds in {"ada": [{"one-a": 0, "two-a": 2}],
                         "bob": [{"one-a": 1, "two-a": 0}, {"one-a": 0, "two-a": 2}],
                         "cy": [{"one-a": 1, "two-a": 2}]}.items():
        store = ProgressStore(room_dir / FILE_NAME, name)
        store.visit("alpha", "a1")
        for choices in rounds:
            _answer(store, choices, good_content)
        assert store.flush(timeout=None)
        store.close()
    return room_dir


def test_each_participants_first_answer_counts_most_missed_first(room: Path,
                                                                 good_content: Path) -> None:
    results = read_room(room, good_content, check=True)
    assert results.integrity == "ok" and results.answers == 8
    one, two = results.questions
    assert (one.question, one.answered, one.right) == ("one-a", 3, 1)
    assert (one.wrong_choice, one.wrong_count) == ("wrong", 2)
    assert (two.question, two.answered, two.right) == ("two-a", 3, 2)
    assert two.prompt == "Second topic, question A?"
    people = {p.nickname: p for p in results.participants}
    assert [(p.right, p.answered) for p in people.values()] == [(2, 2), (0, 2), (1, 2)]
    assert people["bob"].best == (2, 2)  # the retake is his best round
    assert people["ada"].slides_seen == 1
    assert people["ada"].slides_total == len(load_library(good_content).get("alpha").slides)


def test_report_formats_agree(room: Path, good_content: Path, capsys: pytest.CaptureFixture[str]
                              ) -> None:
    assert main(["report", str(room), "--content", str(good_content), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [q["question"] for q in data["questions"]] == ["one-a", "two-a"]
    assert data["questions"][0]["share_right"] == pytest.approx(1 / 3, abs=1e-3)
    assert main(["report", str(room), "--content", str(good_content), "--csv"]) == 0
    questions, people = capsys.readouterr().out.split("\n\n")
    rows = list(csv.DictReader(io.StringIO(questions)))
    assert [(r["question"], r["answered"], r["right"]) for r in rows] == [
        ("one-a", "3", "1"), ("two-a", "3", "2")]
    assert [r["nickname"] for r in csv.DictReader(io.StringIO(people))] == ["ada", "bob", "cy"]
    assert main(["report", str(room), "--content", str(good_content)]) == 0
    text = capsys.readouterr().out
    assert "database integrity: ok" in text
    assert text.index("First topic, question A?") < text.index("Second topic, question A?")


def test_a_missing_room_is_a_clear_message(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert "no room database" in capsys.readouterr().err
    with pytest.raises(RoomUnavailable):
        read_room(tmp_path, tmp_path)


def test_the_reader_notices_new_answers(room: Path, good_content: Path) -> None:
    reader = RoomReader(room, load_library(good_content))
    assert reader.changed()
    assert not reader.changed()
    store = ProgressStore(room / FILE_NAME, "dee")
    _answer(store, {"one-a": 3}, good_content)
    assert store.flush(timeout=None)
    store.close()
    assert reader.changed()
    assert reader.read().answers == 9
    reader.close()


def test_an_empty_room_reads_as_empty(tmp_path: Path, good_content: Path) -> None:
    ProgressStore(tmp_path / FILE_NAME, "-").close()
    results = read_room(tmp_path, good_content)
    assert not results.questions and not results.participants
    assert "no answers yet" in as_text(results)


def test_share_bar_fills_in_eighths() -> None:
    assert share_bar(0.5, 4) == "██  "
    assert share_bar(0.5, 1) == "▌" and share_bar(3 / 8, 1) == "▍"
    assert share_bar(0.5, 4, ascii=True) == "##.."
    assert all(len(share_bar(s / 10, 7)) == 7 for s in range(11))


async def test_the_room_view_shows_answers_as_they_arrive(room: Path, good_content: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from ui_helpers import screen_text

    from tutor.workshop.room_app import RoomApp

    monkeypatch.setattr(RoomApp, "POLL_SECONDS", 0.05)
    app = RoomApp(room, good_content)

    async def shows(text: str) -> None:
        for _ in range(2000):  # against a hang only; each pause yields to the poller
            if text in screen_text(app):
                return
            await pilot.pause(0.01)
        raise AssertionError(f"{text!r} never shown:\n{screen_text(app)}")

    async with app.run_test(size=(100, 30)) as pilot:
        await shows("3 participant(s) · 8 answer(s)")
        await shows("Second topic, question A?")
        assert screen_text(app).index("First topic, question A?") < screen_text(app).index(
            "Second topic, question A?")
        assert " 33% " in screen_text(app) and "most chosen wrong: wrong (2)" in screen_text(app)
        store = ProgressStore(room / FILE_NAME, "dee")
        _answer(store, {"one-a": 0}, good_content)
        assert store.flush(timeout=None)
        store.close()
        await shows("4 participant(s) · 9 answer(s)")
        await shows(" 50% ")  # one-a: 2 of 4 right now
        await shows("dee ")


def test_the_server_and_the_report_import_no_textual_or_numerics() -> None:
    """The server stays small in memory: each session's process loads the UI, not it."""
    import json
    import subprocess
    import sys

    code = ("import json, sys\nimport tutor.workshop.server, tutor.workshop.cli, "
            "tutor.workshop.report, tutor.workshop.bench\nprint(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    loaded = set(json.loads(result.stdout))
    assert not {"textual", "numpy", "numba"} & loaded

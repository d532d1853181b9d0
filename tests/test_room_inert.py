"""`dltutor room` and `dltutor report` show deck text and database strings inert;
CSV and JSON keep the text without its control characters."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest
from textual.widgets import Static
from ui_helpers import screen_text, wait_until

from tutor.cli import main
from tutor.content import Library, load_library
from tutor.progress import FILE_NAME, ProgressStore
from tutor.workshop import results, room_app
from tutor.workshop.report import csv_cell

RETITLE = "\x1b]0;pwned\x07"  # sets the window title
CLEAR = "\x1b[2J"
PROMPT = f"First {RETITLE}topic{CLEAR}?"
CHOICE = f"wr{CLEAR}ong"
SLY = f"ev{CLEAR}il\u202e"  # a nickname, and a question id, from the database
FORMULA = "=HYPERLINK(\"http://x\")"
CONTROLS = ("\x1b", "\x07", "\u202e")


def sly_library(content: Path) -> Library:
    """The test decks, with control characters in a prompt and a choice (the
    loader refuses such decks: this is text that got past it) and a formula."""
    library = load_library(content)
    alpha = library.get("alpha")
    one, *rest = alpha.questions
    one = dataclasses.replace(one, prompt=PROMPT, choices=(one.choices[0], CHOICE,
                                                           *one.choices[2:]))
    two = dataclasses.replace(rest[1], prompt=FORMULA)
    alpha = dataclasses.replace(alpha, questions=(one, rest[0], two, *rest[2:]))
    return dataclasses.replace(library, decks=tuple(alpha if d.id == "alpha" else d
                                                    for d in library.decks))


@pytest.fixture
def room(tmp_path: Path, good_content: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A room whose folder name, a nickname and a question id hold control
    characters; its reports read `sly_library`."""
    library = sly_library(good_content)
    for module in (results, room_app):
        monkeypatch.setattr(module, "load_library", lambda _path: library)
    room_dir = tmp_path / f"room{CLEAR}"
    room_dir.mkdir()
    for name, answers in {SLY: {"one-a": 1, SLY: 0}, "ada": {"one-a": 1, "two-a": 0},
                          "-1": {"two-a": 0}}.items():
        store = ProgressStore(room_dir / FILE_NAME, name)
        attempt = store.start_attempt("alpha", list(answers))
        for question, choice in answers.items():
            store.record_answer(attempt, question, choice, False)
        assert store.flush(timeout=None)
        store.close()
    return room_dir


def report(room: Path, content: Path, capsys: pytest.CaptureFixture[str], *form: str) -> str:
    assert main(["report", str(room), "--content", str(content), *form]) == 0
    return capsys.readouterr().out


def test_the_text_report_shows_control_characters_never_sends_them(
        room: Path, good_content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = report(room, good_content, capsys)
    assert not any(char in out for char in CONTROLS), out
    assert "Room " in out and "room␛[2J" in out
    assert "First ␛]0;pwned␇topic␛[2J?" in out
    assert "most chosen wrong: wr␛[2Jong (2)" in out
    assert "ev␛[2Jil\ufffd" in out  # the nickname, and the unknown question's id


def test_csv_and_json_keep_the_text_without_control_characters(
        room: Path, good_content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = report(room, good_content, capsys, "--csv")
    assert not any(char in out for char in CONTROLS), out
    questions, people = out.split("\n\n")
    rows = {row["question"]: row for row in csv.DictReader(io.StringIO(questions))}
    assert rows["one-a"]["prompt"] == "First ]0;pwnedtopic[2J?"
    assert rows["one-a"]["most_chosen_wrong"] == "wr[2Jong"
    assert rows["two-a"]["prompt"] == "'" + FORMULA  # read as text, not run
    assert "ev[2Jil" in rows
    names = [row["nickname"] for row in csv.DictReader(io.StringIO(people))]
    assert sorted(names) == sorted(["'-1", "ada", "ev[2Jil"])

    out = report(room, good_content, capsys, "--json")
    assert not any(char in out for char in CONTROLS) and "\\u001b" not in out, out
    data = json.loads(out)
    prompts = {q["question"]: q["prompt"] for q in data["questions"]}
    assert prompts["one-a"] == "First ]0;pwnedtopic[2J?"
    assert prompts["two-a"] == FORMULA  # JSON is data, not a spreadsheet: as written
    assert data["room"].endswith("room[2J")
    assert sorted(p["nickname"] for p in data["participants"]) == ["-1", "ada", "ev[2Jil"]


def test_csv_cells_are_never_formulas() -> None:
    for start in "=+-@\t":
        assert csv_cell(f"{start}1+1") == f"'{start}1+1"
    assert csv_cell("a-b = c") == "a-b = c" and csv_cell("") == ""
    assert csv_cell(f"\x1b={CLEAR}x") == "'=[2Jx"  # what is left once stripped


async def test_the_room_view_shows_control_characters_never_sends_them(
        room: Path, good_content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(room_app.RoomApp, "POLL_SECONDS", 0.05)
    app = room_app.RoomApp(room, good_content)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: "answer(s)" in screen_text(app), what="the answers")
        await wait_until(pilot, lambda: "ev␛[2Jil" in screen_text(app), what="the nickname")
        text = screen_text(app)
        assert not any(char in text for char in CONTROLS), text
        assert "First ␛]0;pwned␇topic␛[2J?" in text and "wr␛[2Jong (2)" in text
        summary = str(app.query_one("#room-summary", Static).content)  # cut short on screen
        assert "room␛[2J" in summary and "\x1b" not in summary

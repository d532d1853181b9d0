"""Loading decks: the real content is clean, every broken file names file:line."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import REAL_CONTENT

from tutor.content import ContentError, load_deck, load_library
from tutor.content.demos import parse_demo


def test_real_content_loads_without_problems() -> None:
    library = load_library(REAL_CONTENT)
    assert library.problems == ()
    assert {d.id for d in library.decks} >= {"deep-learning", "ml-fundamentals"}


def test_deep_learning_deck_covers_the_plan() -> None:
    deck = load_library(REAL_CONTENT).get("deep-learning")
    assert deck.minutes == 34
    assert sum(s.minutes for s in deck.sections) == pytest.approx(deck.minutes)
    assert deck.topics == ("neurons", "training", "overfitting", "architectures", "tooling")
    for topic in deck.topics:
        assert sum(q.topic == topic for q in deck.questions) >= 3, topic
    slide_ids = {s.id for s in deck.slides}
    assert all(q.slide in slide_ids for q in deck.questions)
    assert deck.prerequisites == ("ml-fundamentals",)


def test_live_rows_of_the_content_map_name_their_demo() -> None:
    deck = load_library(REAL_CONTENT).get("deep-learning")
    demos = {s.demo.name for s in deck.slides if s.demo}
    expected = {"simple-vs-deep", "one-neuron", "linear-vs-nonlinear", "activation-explorer",
                "step-training", "lr-race", "overfitting", "hyperparameter-lab", "convolution",
                "memory-over-time", "attention-map", "matmul", "label-noise", "transfer"}
    assert expected <= demos


def test_prerequisite_deck_is_short() -> None:
    deck = load_library(REAL_CONTENT).get("ml-fundamentals")
    assert 6 <= len(deck.slides) <= 10
    assert deck.questions


def test_code_and_diagrams_fit_an_80_column_terminal() -> None:
    too_wide = []
    for deck in load_library(REAL_CONTENT).decks:
        for slide in deck.slides:
            fenced = False
            for line in slide.body.splitlines():
                if line.startswith("```"):
                    fenced = not fenced
                elif fenced and len(line) > 72:
                    too_wide.append(f"{slide.path}: {line!r}")
    assert too_wide == []


def test_minutes_left_counts_down_to_the_last_section() -> None:
    deck = load_library(REAL_CONTENT).get("deep-learning")
    left = [deck.minutes_left(i) for i in range(len(deck.slides))]
    assert left[0] == pytest.approx(deck.minutes)
    assert all(a >= b for a, b in pairwise(left))
    assert 0 < left[-1] <= deck.sections[-1].minutes


def test_demo_parameters_are_typed_with_defaults_filled_in() -> None:
    demo = parse_demo("lr-race rates=0.01,0.3,3")
    assert demo.name == "lr-race"
    assert demo.params == {"rates": (0.01, 0.3, 3.0), "data": "moons"}
    assert parse_demo("simple-vs-deep hidden=16,16").params["hidden"] == (16, 16)


# -- broken decks: each mutation of a good deck gives one file:line message ----


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


BROKEN = {
    # name: (file, old text, new text, line marker in the new file, message pattern)
    "unknown slide field": ("slides/020-s2.md", "section: main", "section: main\ncolour: red",
                            "colour:", r"unknown field 'colour'"),
    "missing slide title": ("slides/020-s2.md", "title: Alpha slide 2\n", "", "---",
                            r"missing required field 'title'"),
    "duplicate slide id": ("slides/030-s3.md", "id: a3", "id: a1", "id: a1",
                           r"duplicate slide id 'a1'"),
    "unknown section": ("slides/030-s3.md", "section: main", "section: nowhere",
                        "section: nowhere", r"section 'nowhere' is not defined"),
    "front matter not closed": ("slides/010-s1.md", "---\nBody", "Body", "---",
                                r"not closed"),
    "bad demo parameter": ("slides/040-long.md", "data=moons", "data", "demo:",
                           r"must look like key=value"),
    "unknown demo": ("slides/040-long.md", "demo: lr-race", "demo: lr-rase", "demo:",
                     r"unknown demo 'lr-rase' \(did you mean 'lr-race'"),
    "misspelt demo parameter": ("slides/040-long.md", "data=moons", "dta=moons", "demo:",
                                r"unknown parameter 'dta' for demo 'lr-race' \(did you mean "
                                r"'data'"),
    "demo parameter out of range": ("slides/040-long.md", "rates=0.01,0.3,3", "rates=0.01,0.3,30",
                                    "demo:", r"rates=0.01,0.3,30: 30 is out of range 1e-05 to 10"),
    "demo parameter of the wrong type": ("slides/040-long.md", "data=moons", "data=3", "demo:",
                                         r"data=3: expected one of circles, moons"),
    "answer out of range": ("quiz.toml", "answer = 3", "answer = 5", "answer = 5",
                            r"answer 5 is out of range.*1 to 4"),
    "link to missing slide": ("quiz.toml", 'slide = "a-long"', 'slide = "a-gone"',
                              'slide = "a-gone"', r"links to slide 'a-gone'.*does not exist"),
    "unknown question field": ("quiz.toml", 'topic = "two"', 'topic = "two"\nhint = "x"',
                               "hint =", r"unknown field 'hint' in question"),
    "unknown quiz topic": ("quiz.toml", 'topic = "two"', 'topic = "three"', 'topic = "three"',
                           r"topic 'three' is not one of the deck's quiz_topics"),
    "bad TOML": ("quiz.toml", 'prompt = "Second topic, question A?"',
                 'prompt = "Second topic, question A?', "Second topic", r"bad TOML"),
    "missing deck title": ("deck.toml", 'title = "Alpha deck"\n', "", "summary",
                           r"missing required field 'title'"),
    "unknown deck field": ("deck.toml", "minutes = 6\n", "minutes = 6\nauthor = 'me'\n",
                           "author", r"unknown field 'author' in deck"),
    "minutes do not add up": ("deck.toml", "minutes = 6", "minutes = 9", "minutes = 9",
                              r"sections add up to 6 minutes but the deck says 9"),
    "section without slides": ("deck.toml", '[[section]]\nid = "main"',
                               '[[section]]\nid = "extra"\ntitle = "Extra"\nminutes = 0\n\n'
                               '[[section]]\nid = "main"', 'id = "extra"',
                               r"section 'extra' has no slides"),
    "fenced line too wide": ("slides/010-s1.md", "Body of slide 1",
                             "```text\n" + "x" * 80 + "\n```\nBody of slide 1", "xxxxxxxx",
                             r"fenced block is 80 characters wide"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_content_names_file_and_line(case: str, good_content: Path) -> None:
    relative, old, new, marker, pattern = BROKEN[case]
    path = good_content / "alpha" / relative
    _edit(path, old, new)
    with pytest.raises(ContentError) as caught:
        load_deck(good_content / "alpha")
    messages = [str(p) for p in caught.value.problems]
    expected_line = 1 if marker == "---" else _line_of(path, marker)
    wanted = re.compile(rf"^{re.escape(str(path))}:{expected_line}: .*{pattern}")
    assert any(wanted.search(m) for m in messages), messages


def test_library_keeps_good_decks_when_one_is_broken(good_content: Path) -> None:
    (good_content / "alpha" / "quiz.toml").write_text("[[question]\n")
    library = load_library(good_content)
    assert [d.id for d in library.decks] == ["beta"]
    assert library.problems and "quiz.toml:1: bad TOML" in str(library.problems[0])


def test_missing_prerequisite_is_reported(good_content: Path) -> None:
    _edit(good_content / "alpha" / "deck.toml", '["beta"]', '["gamma"]')
    problems = [str(p) for p in load_library(good_content).problems]
    assert problems == [f"{good_content / 'alpha' / 'deck.toml'}:5: prerequisite 'gamma' is not "
                        "a deck beside it"]


def test_a_question_linking_to_a_broken_slide_is_reported_once(good_content: Path) -> None:
    _edit(good_content / "alpha" / "slides" / "040-long.md", "title: A long slide\n", "")
    with pytest.raises(ContentError) as caught:
        load_deck(good_content / "alpha")
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 1 and "missing required field 'title'" in messages[0]


def test_a_deck_folder_without_deck_toml_is_reported(good_content: Path) -> None:
    (good_content / "alpha" / "deck.toml").rename(good_content / "alpha" / "deck.tml")
    library = load_library(good_content)
    assert [d.id for d in library.decks] == ["beta"]
    assert [str(p) for p in library.problems] == [
        f"{good_content / 'alpha' / 'deck.toml'}:1: file is missing"]


def test_one_deck_checked_alone_finds_its_prerequisites_beside_it(good_content: Path) -> None:
    assert load_library(good_content / "alpha").problems == ()
    (good_content / "beta" / "deck.toml").unlink()
    problems = [str(p) for p in load_library(good_content / "alpha").problems]
    assert problems == [f"{good_content / 'alpha' / 'deck.toml'}:5: prerequisite 'beta' is not "
                        "a deck beside it"]


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    [problem] = load_library(tmp_path / "nowhere").problems
    assert problem.message == "folder does not exist"

"""A deck's code snippets and decision guide: read, and checked at file:line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REAL_CONTENT
from tutor.cli import main
from tutor.content.guide import GUIDE_FILE, Answer, read_guide
from tutor.content.loader import check_deck, load_deck
from tutor.content.snippets import read_snippets

DECK = REAL_CONTENT / "deep-learning"
FRAMEWORKS = ("pytorch", "keras", "jax")


def test_the_three_framework_snippets_compile() -> None:
    snippets, problems = read_snippets(DECK)
    assert problems == []
    by_name = {s.name: s for s in snippets}
    assert set(FRAMEWORKS) <= set(by_name)
    for name in FRAMEWORKS:
        source = by_name[name].source
        compile(source, name, "exec")
        # each defines its own data, with y as a column so nothing broadcasts to (N, N)
        assert "x = " in source and "y = " in source and "assert y.shape == (256, 1)" in source
        assert 10 < by_name[name].lines < len(source.splitlines()) + 1


@pytest.mark.slow
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_snippet_trains_where_its_framework_is_installed(framework: str,
                                                         tmp_path: Path) -> None:
    pytest.importorskip({"pytorch": "torch"}.get(framework, framework))
    if framework == "keras":
        backend = pytest.importorskip("keras").backend.backend()
        pytest.importorskip({"tensorflow": "tensorflow", "jax": "jax",
                             "torch": "torch"}.get(backend, backend))
    # -P: the snippet's folder is not put on sys.path (keras.py must not import itself)
    result = subprocess.run([sys.executable, "-P", str(DECK / "code" / f"{framework}.py")],
                            capture_output=True, text=True, cwd=tmp_path, timeout=600,
                            check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    loss = float(result.stdout.split("final loss")[-1])
    assert loss < 0.6  # chance level is ln 2 = 0.693: the network learned


def test_a_syntax_error_is_reported_at_its_line(good_content: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code = good_content / "alpha" / "code"
    code.mkdir()
    (code / "fine.py").write_text("print('ok')\n")
    (code / "broken.py").write_text("import os\n\ndef f(:\n    pass\n")
    deck, problems = check_deck(good_content / "alpha")
    assert deck is None
    assert [(p.path.name, p.line) for p in problems] == [("broken.py", 3)]
    assert "syntax error" in problems[0].message
    assert main(["check", str(good_content / "alpha")]) == 1
    assert f"{code / 'broken.py'}:3: syntax error" in capsys.readouterr().out


def test_the_bundled_guide_ends_every_path_at_a_slide_of_its_deck() -> None:
    deck = load_deck(DECK)
    guide, problems = read_guide(DECK, {s.id for s in deck.slides})
    assert problems == [] and guide is not None

    def leaves(node_id: str) -> list[Answer]:
        node = guide.node(node_id)
        if isinstance(node, Answer):
            return [node]
        return leaves(node.yes) + leaves(node.no)

    reached = leaves(guide.start)
    assert {a.id for a in reached} == set(guide.answers)
    for answer in reached:
        deck.slide_index(answer.slide)  # raises if the slide is missing


GOOD_GUIDE = """\
start = "q1"

[[question]]
id = "q1"
text = "Is it?"
yes = "a1"
no = "q2"

[[question]]
id = "q2"
text = "Really?"
yes = "a1"
no = "a2"

[[answer]]
id = "a1"
text = "Do this."
slide = "{slide}"

[[answer]]
id = "a2"
text = "Do that."
slide = "{slide}"
"""


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("", ""), None, None),
        (('no = "q2"', 'no = "q9"'), 7, "question 'q1': no = 'q9' names no question or answer"),
        (('no = "a2"', 'no = "q1"'), 4, "loops: q1 -> q2 -> q1"),
        (('start = "q1"', 'start = "q2"'), 4, "'q1' is not reached from start 'q2'"),
        (('text = "Really?"', 'txt = "Really?"'), 11, "unknown field 'txt' in question"),
        (('slide = "{slide}"\n\n[[answer]]', 'slide = "nope"\n\n[[answer]]'), 18,
         "links to slide 'nope', which does not exist"),
        (('id = "a2"', 'id = "a1"'), 21, "duplicate id 'a1' (first on line 16)"),
        (('start = "q1"', 'start = "a1"'), 1, "start must name a question"),
        (('yes = "a1"\nno = "q2"', 'yes = "a1\nno = "q2"'), 6, "bad TOML"),
    ],
)
def test_guide_problems_are_reported_at_file_and_line(
        good_content: Path, change: tuple[str, str], line: int | None,
        message: str | None) -> None:
    folder = good_content / "alpha"
    slide = load_deck(folder).slides[0].id
    text = GOOD_GUIDE.replace(*change) if change[0] else GOOD_GUIDE
    (folder / GUIDE_FILE).write_text(text.replace("{slide}", slide))
    guide, problems = read_guide(folder, {slide})
    if message is None:
        assert problems == [] and guide is not None and guide.node("q1").text == "Is it?"
        return
    assert guide is None
    assert any(p.line == line and message in p.message for p in problems), problems
    assert check_deck(folder)[0] is None  # the deck check reports it too

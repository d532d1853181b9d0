"""`dltutor check` beyond loading: fit at 80x24, a quiz that can't be gamed,
terms defined before use; and the figures of `check --stats`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REAL_CONTENT
from test_content_loader import _edit, _line_of

from tutor.checks import deck_stats, lint_deck, word_count
from tutor.cli import main
from tutor.content import Question, load_library
from tutor.content.quizstats import MAX_LONGEST_SHARE, guess_odds, quiz_balance
from tutor.viz.fit import BODY_HEIGHT

LONG_TEXT = "\n\n".join(f"Paragraph {i} of a slide that goes on." for i in range(12))

BREAKS = {
    # name: (file, old text, new text, line marker in the new file or None for line 1,
    #        message pattern)
    "slide would scroll": ("slides/020-s2.md", "Body of slide 2", LONG_TEXT, None,
                           r"slide 'a2' takes \d+ rows at 80x24 but the pane shows 18.*scroll"),
    "longest choice is right": (
        "quiz.toml", '"right A", "wrong"', '"right A, the longest by far", "wrong"', None,
        r"uniquely longest choice in 1 of 3 questions \(33%; keep it at most 30%\)"),
    "shortest choice always right": (
        "quiz.toml", '"right C", "nah"', '"C", "nah"', None,
        r"always picking the shortest choice scores 1.00 of 2"),
    "term used before its slide": ("glossary.toml", 'term = "list"\nslide = "a1"',
                                   'term = "list"\nslide = "a3"', 'term = "list"',
                                   r"term 'list' is used on slide a1, a2 before slide 'a3'"),
    "term missing from its slide": ("glossary.toml", 'slide = "a-long"\nmeans = "a slide '
                                    'with many lines"\nmatch = []',
                                    'slide = "a1"\nmeans = "a slide with many lines"',
                                    'term = "long slide"',
                                    r"'long slide' does not appear on slide 'a1'"),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_each_check_fails_on_content_that_breaks_it(case: str, good_content: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    name, old, new, marker, pattern = BREAKS[case]
    path = good_content / "alpha" / name
    assert main(["check", str(good_content)]) == 0
    capsys.readouterr()
    _edit(path, old, new)
    # The deck still loads (a long slide scrolls, a quiz still runs) ...
    assert "alpha" in {d.id for d in load_library(good_content).decks}
    # ... but the author's check fails, naming the file and line.
    assert main(["check", str(good_content)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    line = _line_of(path, marker) if marker else 1
    assert len(out) == 1, out
    assert out[0].startswith(f"{path}:{line}: ")
    assert re.search(pattern, out[0])


GLOSSARY_BROKEN = {
    "names a missing slide": ('slide = "a1"', 'slide = "a9"', 'slide = "a9"',
                              r"term 'list' names slide 'a9', which does not exist"),
    "unknown field": ('means = "points', 'see = "x"\nmeans = "points', "see =",
                      r"unknown field 'see' in term"),
    "defined twice": ('term = "long slide"', 'term = "List"', 'term = "List"',
                      r"term 'List' is defined twice"),
}


@pytest.mark.parametrize("case", sorted(GLOSSARY_BROKEN))
def test_a_broken_glossary_stops_the_deck_with_file_and_line(case: str,
                                                             good_content: Path) -> None:
    old, new, marker, pattern = GLOSSARY_BROKEN[case]
    path = good_content / "alpha" / "glossary.toml"
    _edit(path, old, new)
    library = load_library(good_content)
    assert [str(p) for p in library.problems] == [
        f"{path}:{_line_of(path, marker)}: {p.message}" for p in library.problems]
    assert len(library.problems) == 1 and re.search(pattern, library.problems[0].message)


def _question(choices: tuple[str, ...], answer: int, topic: str = "t") -> Question:
    return Question(f"q{len(choices)}{answer}{topic}", topic, "?", choices, answer, "", "s")


def test_guessing_odds_split_ties() -> None:
    assert guess_odds(_question(("aaa", "b", "cc"), 0)) == 1
    assert guess_odds(_question(("aaa", "bbb", "c"), 1)) == 0.5
    assert guess_odds(_question(("aaa", "bbb", "c"), 2)) == 0
    assert guess_odds(_question(("aaa", "bbb", "c"), 2), min) == 1


def test_a_round_score_averages_within_a_topic_and_adds_across_topics() -> None:
    questions = [
        _question(("long answer", "no"), 0, "x"),      # longest right: 1
        _question(("no", "short"), 0, "x"),            # longest wrong: 0
        _question(("same", "also"), 1, "y"),           # a tie of two: 1/2
    ]
    balance = quiz_balance(questions, ("x", "y", "z"))
    # Topic x: (1 + 0) / 2; topic y: 1/2; topic z has no questions.
    assert balance.pick_longest == pytest.approx(0.5 + 0.5)
    assert balance.round_size == 2
    assert balance.longest_right == 1 and balance.longest_share == pytest.approx(1 / 3)


def test_stats_print_the_figures_per_deck(good_content: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--stats", str(good_content)]) == 0
    out = capsys.readouterr().out
    alpha = load_library(good_content).get("alpha")
    words = sum(word_count(s.body) for s in alpha.slides)
    assert re.search(rf"alpha:\n  words +{words:,}\n  slides that scroll +0 of 4", out)
    assert re.search(r"longest is right +0 of 3 questions \(0%\)", out)


def test_word_count_skips_the_strokes_of_a_drawing() -> None:
    assert word_count("a ── b │ c ─→ d, e.") == 5


def test_the_shipped_decks_fit_the_screen_the_clock_and_the_quiz_rules() -> None:
    library = load_library(REAL_CONTENT)
    for deck in library.decks:
        stats = deck_stats(deck)
        assert lint_deck(deck, stats) == []
        assert max(stats.rows.values()) <= BODY_HEIGHT
        assert stats.quiz.longest_share <= MAX_LONGEST_SHARE
    deep = library.get("deep-learning")
    assert deck_stats(deep).words <= 3000
    assert all(sum(q.topic == t for q in deep.questions) >= 10 for t in deep.topics)
    fundamentals = library.get("ml-fundamentals")
    assert all(sum(q.topic == t for q in fundamentals.questions) >= 4
               for t in fundamentals.topics)

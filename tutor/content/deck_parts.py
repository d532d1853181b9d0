"""The three files of a deck folder, read and checked: `deck.toml` (title,
summary, sections...), `slides/*.md` (one slide per file, ordered by file
name) and `quiz.toml` (the question bank)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tutor.content import frontmatter
from tutor.content.demos import parse_demo
from tutor.content.errors import Problem
from tutor.content.fields import FieldChecker, open_toml, tables
from tutor.content.files import read_or_report
from tutor.content.model import Demo, Question, Section, Slide
from tutor.content.toml_lines import Block

DECK_FILE = "deck.toml"
QUIZ_FILE = "quiz.toml"
SLIDES_DIR = "slides"

DECK_KEYS = {"title", "summary", "minutes", "order", "prerequisites", "quiz_topics", "section"}
SECTION_KEYS = {"id", "title", "minutes"}
SLIDE_KEYS = {"id", "title", "section", "demo"}
QUESTION_KEYS = {"id", "topic", "prompt", "choices", "answer", "explain", "slide"}
MAX_CHOICES = 4
MAX_FENCED_WIDTH = 72
"""Widest line of a fenced block (diagram, code) that fits an 80-column terminal."""


def read_deck_file(folder: Path, problems: list[Problem]) -> dict[str, Any] | None:
    opened = open_toml(folder / DECK_FILE, problems)
    if opened is None:
        return None
    data, top, blocks, check = opened.data, opened.top, opened.blocks, opened.check
    check.fields(data, DECK_KEYS, {"title", "summary", "minutes", "quiz_topics"}, top, "deck")
    sections: list[Section] = []
    seen: dict[str, int] = {}  # section id -> line
    for table, block in tables(data, "section", blocks, check):
        check.fields(table, SECTION_KEYS, SECTION_KEYS, block, "section")
        section_id = check.ident(table, "id", block, "section")
        if section_id in seen:
            check.add(block.at("id"), f"duplicate section id '{section_id}' "
                      f"(first on line {seen[section_id]})")
            continue
        if section_id:
            seen[section_id] = block.at("id")
            sections.append(Section(section_id, check.text(table, "title", block, "section"),
                                    check.number(table, "minutes", block, "section")))
    if not sections:
        check.add(top.line, "deck has no [[section]] tables")
    minutes = check.number(data, "minutes", top, "deck")
    planned = sum(s.minutes for s in sections)
    if sections and minutes and abs(planned - minutes) > 0.01:
        check.add(top.at("minutes"), f"the sections add up to {planned:g} minutes but the deck "
                  f"says {minutes:g}")
    order = data.get("order", 100)
    if isinstance(order, bool) or not isinstance(order, int):
        check.add(top.at("order"), "deck field 'order' must be a whole number")
        order = 100
    topics = check.strings(data, "quiz_topics", top, "deck")
    return {
        "title": check.text(data, "title", top, "deck"),
        "summary": check.text(data, "summary", top, "deck"),
        "minutes": minutes,
        "order": order,
        "prerequisites": check.strings(data, "prerequisites", top, "deck"),
        "topics": topics,
        "topics_line": top.at("quiz_topics"),
        "sections": tuple(sections),
        "section_lines": seen,
    }


def _check_fenced_width(body: str, first_line: int, check: FieldChecker) -> None:
    fenced = False
    for number, line in enumerate(body.splitlines(), start=first_line):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif fenced and len(line) > MAX_FENCED_WIDTH:
            check.add(number, f"line in a fenced block is {len(line)} characters wide; keep it "
                      f"within {MAX_FENCED_WIDTH} so it fits an 80-column terminal")


def read_slides(folder: Path, section_ids: set[str],
                 problems: list[Problem]) -> tuple[list[Slide], set[str]]:
    """The valid slides, and the ids of every slide file (valid or not)."""
    slides_dir = folder / SLIDES_DIR
    files = sorted(slides_dir.glob("*.md")) if slides_dir.is_dir() else []
    if not files:
        problems.append(Problem(slides_dir, 1, "deck has no slides (*.md files)"))
        return [], set()
    slides: list[Slide] = []
    seen: dict[str, str] = {}
    for path in files:
        check = FieldChecker(path, problems)
        text = read_or_report(path, problems)
        if text is None:
            continue
        for number, line in enumerate(text.split("\n"), start=1):
            check.controls(line, number, "line")
        try:
            parsed = frontmatter.split(text)
        except frontmatter.FrontMatterError as exc:
            check.add(exc.line, exc.message)
            continue
        block = Block(1, parsed.lines)
        check.fields(parsed.fields, SLIDE_KEYS, {"id", "title", "section"}, block, "slide")
        slide_id = check.ident(parsed.fields, "id", block, "slide")
        title = check.text(parsed.fields, "title", block, "slide")
        section = parsed.fields.get("section", "")
        if section and section not in section_ids:
            check.add(block.at("section"), f"section '{section}' is not defined in {DECK_FILE}")
        demo: Demo | None = None
        if parsed.fields.get("demo"):
            try:
                demo = parse_demo(parsed.fields["demo"])
            except ValueError as exc:
                check.add(block.at("demo"), str(exc))
        if not parsed.body.strip():
            check.add(parsed.body_line, "slide has no text after its front matter")
        _check_fenced_width(parsed.body, parsed.body_line, check)
        if slide_id in seen:
            check.add(block.at("id"), f"duplicate slide id '{slide_id}' (also in {seen[slide_id]})")
            continue
        if slide_id:
            seen[slide_id] = f"{path.name}:{block.at('id')}"
        if slide_id and title and section in section_ids:
            slides.append(Slide(slide_id, title, section, parsed.body, demo, path))
    return slides, set(seen)


def read_quiz(folder: Path, topics: tuple[str, ...], slide_ids: set[str],
               problems: list[Problem]) -> list[Question] | None:
    """The questions, or None when the file could not be read at all."""
    opened = open_toml(folder / QUIZ_FILE, problems)
    if opened is None:
        return None
    data, top, blocks, check = opened.data, opened.top, opened.blocks, opened.check
    check.fields(data, {"question"}, set(), top, "quiz file")
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for table, block in tables(data, "question", blocks, check):
        check.fields(table, QUESTION_KEYS, QUESTION_KEYS, block, "question")
        qid = check.ident(table, "id", block, "question")
        topic = check.text(table, "topic", block, "question")
        if topic and topic not in topics:
            check.add(block.at("topic"), f"topic '{topic}' is not one of the deck's quiz_topics "
                      f"({', '.join(topics)})")
        choices = table.get("choices", [])
        valid_choices = (isinstance(choices, list) and 2 <= len(choices) <= MAX_CHOICES
                         and all(isinstance(c, str) and c.strip() for c in choices))
        if "choices" in table and not valid_choices:
            check.add(block.at("choices"), f"choices must be a list of 2 to {MAX_CHOICES} texts")
        elif valid_choices:
            valid_choices = all(check.controls(c, block.at("choices"), "a choice")
                                for c in choices)
        answer = table.get("answer")
        answer_ok = isinstance(answer, int) and not isinstance(answer, bool)
        if answer_ok and valid_choices and not 1 <= int(answer or 0) <= len(choices):
            answer_ok = False
        if "answer" in table and valid_choices and not answer_ok:
            check.add(block.at("answer"), f"answer {answer!r} is out of range: it must be a "
                      f"choice number from 1 to {len(choices)}")
            answer_ok = False
        slide = check.text(table, "slide", block, "question")
        if slide and slide not in slide_ids:
            check.add(block.at("slide"), f"question links to slide '{slide}', which does not exist")
        if qid in seen:
            check.add(block.at("id"), f"duplicate question id '{qid}' (first on line {seen[qid]})")
            continue
        if qid:
            seen[qid] = block.at("id")
        fields_ok = qid and topic in topics and valid_choices and answer_ok and slide in slide_ids
        if fields_ok and "prompt" in table and "explain" in table:
            questions.append(Question(
                id=qid, topic=topic,
                prompt=check.text(table, "prompt", block, "question"),
                choices=tuple(c.strip() for c in choices),
                answer=int(answer) - 1,  # type: ignore[arg-type]  # checked above
                explain=check.text(table, "explain", block, "question"),
                slide=slide,
            ))
    return questions

"""Load and validate decks from `content/<deck-id>/`.

A deck folder holds `deck.toml` (title, summary, sections...), `slides/*.md`
(one slide per file, ordered by file name) and `quiz.toml` (the question
bank). Every problem found is collected as a `Problem` with its file and
line, so an instructor sees all of them at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.content import frontmatter
from tutor.content.files import read_or_report, read_text
from tutor.content.demos import parse_demo
from tutor.content.errors import ContentError, Problem
from tutor.content.glossary import read_glossary
from tutor.content.guide import read_guide
from tutor.content.inert import control_characters, describe
from tutor.content.model import Deck, Demo, Question, Section, Slide
from tutor.content.snippets import read_snippets
from tutor.content.toml_lines import Block, key_lines
from tutor.content.toml_lines import read_toml as _read_toml

DECK_FILE = "deck.toml"
QUIZ_FILE = "quiz.toml"
SLIDES_DIR = "slides"

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

DECK_KEYS = {"title", "summary", "minutes", "order", "prerequisites", "quiz_topics", "section"}
SECTION_KEYS = {"id", "title", "minutes"}
SLIDE_KEYS = {"id", "title", "section", "demo"}
QUESTION_KEYS = {"id", "topic", "prompt", "choices", "answer", "explain", "slide"}
MAX_CHOICES = 4
MAX_MINUTES = 10_000
"""Longest deck or section, in minutes (also keeps inf and nan out)."""
MAX_FENCED_WIDTH = 72
"""Widest line of a fenced block (diagram, code) that fits an 80-column terminal."""


@dataclass(frozen=True)
class Library:
    decks: tuple[Deck, ...]
    problems: tuple[Problem, ...]
    """Problems of decks that could not be loaded (they are left out)."""
    root: Path = Path()

    def broken(self) -> set[str]:
        """Ids (folder names) of the decks that have problems."""
        names = set()
        for problem in self.problems:
            try:
                names.add(problem.path.relative_to(self.root).parts[0])
            except (ValueError, IndexError):  # the root itself, or a single deck
                names.add(self.root.name)
        return names

    def ids(self) -> list[str]:
        return [deck.id for deck in self.decks]

    def get(self, deck_id: str) -> Deck:
        for deck in self.decks:
            if deck.id == deck_id:
                return deck
        raise KeyError(deck_id)


class _Checker:
    """Collects problems for one file while reading its fields."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self._control_lines: set[int] = set()

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def fields(self, table: dict[str, Any], allowed: set[str], required: set[str],
               block: Block, what: str) -> None:
        for key in table:
            if key not in allowed:
                self.add(block.at(key), f"unknown field '{key}' in {what} "
                         f"(allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required - table.keys()):
            self.add(block.line, f"{what} is missing required field '{key}'")

    def controls(self, value: str, line: int, what: str) -> bool:
        """Report control characters in `value` (a TOML escape can hide them); True if clean."""
        found = sorted({describe(char) for _, char in control_characters(value)})
        if found and line not in self._control_lines:  # once per line
            self._control_lines.add(line)
            self.add(line, f"{what} contains control character(s) {', '.join(found)}: "
                     "terminals obey them, so remove them")
        return not found

    def text(self, table: dict[str, Any], key: str, block: Block, what: str) -> str:
        value = table.get(key)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add(block.at(key), f"{what} field '{key}' must be non-empty text")
            return ""
        if not self.controls(value, block.at(key), f"{what} field '{key}'"):
            return ""
        return value.strip()

    def ident(self, table: dict[str, Any], key: str, block: Block, what: str) -> str:
        value = self.text(table, key, block, what)
        if value and not _ID.match(value):
            self.add(block.at(key), f"{what} {key} '{value}' must be lowercase letters, "
                     "digits and hyphens")
        return value

    def number(self, table: dict[str, Any], key: str, block: Block, what: str,
               default: float = 0.0) -> float:
        value = table.get(key, default)
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not 0 <= value <= MAX_MINUTES):
            self.add(block.at(key), f"{what} field '{key}' must be a number from 0 to "
                     f"{MAX_MINUTES}")
            return default
        return float(value)

    def strings(self, table: dict[str, Any], key: str, block: Block, what: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(block.at(key), f"{what} field '{key}' must be a list of non-empty texts")
            return ()
        if not all(self.controls(v, block.at(key), f"{what} field '{key}'") for v in value):
            return ()
        return tuple(v.strip() for v in value)


def _tables(data: dict[str, Any], name: str, blocks: dict[str, list[Block]],
            check: _Checker) -> list[tuple[dict[str, Any], Block]]:
    raw = data.get(name, [])
    found = blocks.get(name, [])
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        check.add(1, f"'{name}' must be written as [[{name}]] tables")
        return []
    return [(table, found[i] if i < len(found) else Block(1)) for i, table in enumerate(raw)]


def _read_deck_file(folder: Path, problems: list[Problem]) -> dict[str, Any] | None:
    path = folder / DECK_FILE
    read = _read_toml(path, problems)
    if read is None:
        return None
    data, text = read
    top, blocks = key_lines(text)
    check = _Checker(path, problems)
    check.fields(data, DECK_KEYS, {"title", "summary", "minutes", "quiz_topics"}, top, "deck")
    sections: list[Section] = []
    seen: dict[str, int] = {}  # section id -> line
    for table, block in _tables(data, "section", blocks, check):
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


def _check_fenced_width(body: str, first_line: int, check: _Checker) -> None:
    fenced = False
    for number, line in enumerate(body.splitlines(), start=first_line):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif fenced and len(line) > MAX_FENCED_WIDTH:
            check.add(number, f"line in a fenced block is {len(line)} characters wide; keep it "
                      f"within {MAX_FENCED_WIDTH} so it fits an 80-column terminal")


def _read_slides(folder: Path, section_ids: set[str],
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
        check = _Checker(path, problems)
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


def _read_quiz(folder: Path, topics: tuple[str, ...], slide_ids: set[str],
               problems: list[Problem]) -> list[Question] | None:
    """The questions, or None when the file could not be read at all."""
    path = folder / QUIZ_FILE
    read = _read_toml(path, problems)
    if read is None:
        return None
    data, text = read
    top, blocks = key_lines(text)
    check = _Checker(path, problems)
    check.fields(data, {"question"}, set(), top, "quiz file")
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for table, block in _tables(data, "question", blocks, check):
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


def check_deck(folder: Path) -> tuple[Deck | None, list[Problem]]:
    """Read one deck folder; the deck is None when any problem was found."""
    folder = Path(folder)
    problems: list[Problem] = []
    meta = _read_deck_file(folder, problems)
    if meta is None:
        return None, problems
    section_ids = {s.id for s in meta["sections"]}
    slides, slide_ids = _read_slides(folder, section_ids, problems)
    topics: tuple[str, ...] = meta["topics"]
    # Links to a slide whose file has problems of its own are not reported again.
    questions = _read_quiz(folder, topics, slide_ids, problems)
    problems.extend(read_snippets(folder)[1])  # code/*.py must compile
    problems.extend(read_guide(folder, slide_ids)[1])  # decision-guide.toml, if any
    glossary = read_glossary(folder, slide_ids, problems)
    deck_path = folder / DECK_FILE
    for topic in topics if questions is not None else ():
        if not any(q.topic == topic for q in questions or ()):
            problems.append(Problem(deck_path, meta["topics_line"],
                                    f"quiz topic '{topic}' has no questions in {QUIZ_FILE}"))
    for section in meta["sections"]:
        if slides and not any(s.section == section.id for s in slides):
            problems.append(Problem(deck_path, meta["section_lines"][section.id],
                                    f"section '{section.id}' has no slides"))
    if problems:
        return None, problems
    deck = Deck(
        id=folder.name, title=meta["title"], summary=meta["summary"], minutes=meta["minutes"],
        prerequisites=meta["prerequisites"], sections=meta["sections"], slides=tuple(slides),
        topics=topics, questions=tuple(questions or ()), order=meta["order"], path=folder,
        glossary=glossary,
    )
    return deck, []


def load_deck(folder: Path) -> Deck:
    deck, problems = check_deck(folder)
    if deck is None:
        raise ContentError(problems)
    return deck


def deck_folders(root: Path) -> list[Path]:
    """The deck folders under `root` (or `root` itself if it is one)."""
    root = Path(root)
    if (root / DECK_FILE).is_file():
        return [root]
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / DECK_FILE).is_file())


def _looks_like_a_deck(folder: Path) -> bool:
    return (folder / SLIDES_DIR).is_dir() or (folder / QUIZ_FILE).is_file()


def load_library(root: Path) -> Library:
    """Every deck under `root` that loads; the problems of those that don't."""
    root = Path(root)
    if not root.is_dir():
        return Library((), (Problem(root, 1, "folder does not exist"),), root)
    decks: list[Deck] = []
    problems: list[Problem] = []
    folders = deck_folders(root)
    single = folders == [root]
    if not single:  # a deck folder whose deck.toml is missing or misnamed
        problems.extend(Problem(p / DECK_FILE, 1, "file is missing")
                        for p in sorted(root.iterdir())
                        if p.is_dir() and p not in folders and _looks_like_a_deck(p))
    if not folders and not problems:
        problems.append(Problem(root, 1, f"no decks found (no */{DECK_FILE})"))
    for folder in folders:
        try:
            deck, found = check_deck(folder)
        except Exception as exc:  # noqa: BLE001 - one deck nobody foresaw must not stop the rest
            deck, found = None, [Problem(folder / DECK_FILE, 1, f"could not be loaded: "
                                         f"{type(exc).__name__}: {exc}")]
        problems.extend(found)
        if deck is not None:
            decks.append(deck)
    # Checking one deck on its own: its prerequisites are its sibling decks.
    known = {f.name for f in (deck_folders(root.parent) if single else folders)}
    for deck in decks:
        missing = [p for p in deck.prerequisites if p not in known]
        if missing and deck.path is not None:
            path = deck.path / DECK_FILE
            try:
                line = key_lines(read_text(path))[0].at("prerequisites")
            except (OSError, ValueError):  # changed since it was read: no line to point at
                line = 1
            problems.extend(Problem(path, line, f"prerequisite '{p}' is not a deck beside it")
                            for p in missing)
    decks.sort(key=lambda d: (d.order, d.title))
    return Library(tuple(decks), tuple(problems), root)

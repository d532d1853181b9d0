"""A keyboard decision tree a deck ships as `decision-guide.toml`.

    start = "api"

    [[question]]
    id = "api"
    text = "Does a hosted API or a Hub model already do the task?"
    yes = "try-it"          # the id of the next question or answer
    no = "pretrained"

    [[answer]]
    id = "use-it"
    text = "Use it. No training pipeline needed."
    slide = "start-pretrained"   # the slide that teaches it

`check` reports, at file and line: unknown or missing fields, duplicate
ids, a `yes`/`no`/`start` that names nothing, a slide that does not exist,
a loop, and questions or answers that no path reaches.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.content.errors import Problem
from tutor.content.toml_lines import Block, key_lines, read_toml

GUIDE_FILE = "decision-guide.toml"
QUESTION_KEYS = {"id", "text", "yes", "no"}
ANSWER_KEYS = {"id", "text", "slide"}


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    yes: str
    """Id of the question or answer after "yes"."""
    no: str


@dataclass(frozen=True)
class Answer:
    id: str
    text: str
    slide: str
    """Id of the slide in the same deck that teaches this."""


@dataclass(frozen=True)
class Guide:
    start: str
    questions: dict[str, Question]
    answers: dict[str, Answer]

    def node(self, node_id: str) -> Question | Answer:
        return self.questions.get(node_id) or self.answers[node_id]


def read_guide(deck_folder: Path, slide_ids: set[str]) -> tuple[Guide | None, list[Problem]]:
    """The deck's guide (None when it has none or it has problems) and its problems."""
    path = Path(deck_folder) / GUIDE_FILE
    if not path.is_file():
        return None, []
    problems: list[Problem] = []
    read = read_toml(path, problems)
    if read is None:
        return None, problems
    data, text = read
    top, blocks = key_lines(text)

    def add(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    for key in data.keys() - {"start", "question", "answer"}:
        add(top.at(key), f"unknown field '{key}' (allowed: start, [[question]], [[answer]])")
    questions: dict[str, Question] = {}
    answers: dict[str, Answer] = {}
    lines: dict[str, int] = {}
    for kind, keys in (("question", QUESTION_KEYS), ("answer", ANSWER_KEYS)):
        for table, block in _tables(data, kind, blocks, add):
            fields = _fields(table, keys, block, kind, add)
            if fields is None:
                continue
            node_id = fields["id"]
            if node_id in lines:
                add(block.at("id"), f"duplicate id '{node_id}' (first on line {lines[node_id]})")
                continue
            lines[node_id] = block.at("id")
            if kind == "question":
                questions[node_id] = Question(node_id, fields["text"], fields["yes"], fields["no"])
            else:
                if fields["slide"] not in slide_ids:
                    add(block.at("slide"), f"answer '{node_id}' links to slide "
                        f"'{fields['slide']}', which does not exist")
                answers[node_id] = Answer(node_id, fields["text"], fields["slide"])
    start = data.get("start")
    if not isinstance(start, str) or start not in questions:
        add(top.at("start"), f"start must name a question (got {start!r})")
        return None, problems
    for question in questions.values():
        for branch in ("yes", "no"):
            target = getattr(question, branch)
            if target not in lines:
                add(_line(blocks, "question", question.id, branch, lines),
                    f"question '{question.id}': {branch} = '{target}' names no question or "
                    "answer")
    if problems:
        return None, problems
    guide = Guide(start, questions, answers)
    _check_paths(guide, lines, add)
    return (None if problems else guide), problems


def _tables(data: dict[str, Any], name: str, blocks: dict[str, list[Block]],
            add: Any) -> list[tuple[dict[str, Any], Block]]:
    raw = data.get(name, [])
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        add(1, f"'{name}' must be written as [[{name}]] tables")
        return []
    found = blocks.get(name, [])
    return [(t, found[i] if i < len(found) else Block(1)) for i, t in enumerate(raw)]


def _fields(table: dict[str, Any], keys: set[str], block: Block, kind: str,
            add: Any) -> dict[str, str] | None:
    ok = True
    for key in table.keys() - keys:
        add(block.at(key), f"unknown field '{key}' in {kind} (allowed: {', '.join(sorted(keys))})")
        ok = False
    for key in sorted(keys):
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            add(block.at(key), f"{kind} field '{key}' must be non-empty text")
            ok = False
    return {k: table[k].strip() for k in keys} if ok else None


def _line(blocks: dict[str, list[Block]], kind: str, node_id: str, key: str,
          lines: dict[str, int]) -> int:
    for block in blocks.get(kind, []):
        if block.at("id") == lines.get(node_id):
            return block.at(key)
    return lines.get(node_id, 1)


def _check_paths(guide: Guide, lines: dict[str, int], add: Any) -> None:
    """Every path from the start ends in an answer, and every node is on one."""
    seen: set[str] = set()

    def walk(node_id: str, path: tuple[str, ...]) -> None:
        if node_id in path:
            add(lines[node_id], "the guide loops: " + " -> ".join((*path, node_id)))
            return
        seen.add(node_id)
        question = guide.questions.get(node_id)
        if question is not None:
            walk(question.yes, (*path, node_id))
            walk(question.no, (*path, node_id))

    walk(guide.start, ())
    for node_id in sorted(lines.keys() - seen, key=lines.get):  # type: ignore[arg-type]
        add(lines[node_id], f"'{node_id}' is not reached from start '{guide.start}'")

"""Field checks shared by every TOML file of a deck: each problem is kept
with its file and line, and a bad value is reported rather than used."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tutor.content.errors import Problem
from tutor.content.inert import control_characters, describe
from tutor.content.toml_lines import Block, key_lines, read_toml

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
"""Deck, section, slide and question ids: lowercase letters, digits and hyphens."""
MAX_MINUTES = 10_000
"""Longest deck or section, in minutes (also keeps inf and nan out)."""


class FieldChecker:
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
        if value and not ID.match(value):
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


def tables(data: dict[str, Any], name: str, blocks: dict[str, list[Block]],
            check: FieldChecker) -> list[tuple[dict[str, Any], Block]]:
    raw = data.get(name, [])
    found = blocks.get(name, [])
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        check.add(1, f"'{name}' must be written as [[{name}]] tables")
        return []
    return [(table, found[i] if i < len(found) else Block(1)) for i, table in enumerate(raw)]


@dataclass
class TomlFile:
    """A deck's TOML file, read: its data, the lines of its keys and tables,
    and a checker that files problems against it."""

    data: dict[str, Any]
    top: Block
    blocks: dict[str, list[Block]]
    check: FieldChecker


def open_toml(path: Path, problems: list[Problem]) -> TomlFile | None:
    """`path` read for checking; None (with the problem filed) if it cannot be."""
    read = read_toml(path, problems)
    if read is None:
        return None
    data, text = read
    top, blocks = key_lines(text)
    return TomlFile(data, top, blocks, FieldChecker(path, problems))

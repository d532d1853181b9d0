"""Line numbers for TOML keys, which `tomllib` does not keep.

Good enough for the flat files decks use: top-level keys and arrays of
tables (`[[question]]`). Multi-line strings are skipped so their contents
never look like keys.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tutor.content.errors import Problem

_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
_TOML_AT = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass
class Block:
    line: int
    """Line of the `[[name]]` header (or 1 for the top level)."""
    keys: dict[str, int] = field(default_factory=dict)

    def at(self, key: str) -> int:
        """Line of `key` in this block, else the block's own line."""
        return self.keys.get(key, self.line)


def key_lines(text: str) -> tuple[Block, dict[str, list[Block]]]:
    """The top-level block and, per array-of-tables name, its blocks in order."""
    top = Block(1)
    tables: dict[str, list[Block]] = {}
    current = top
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header:
            current = Block(number)
            tables.setdefault(header[1], []).append(current)
            continue
        key = _KEY.match(line)
        if key:
            current.keys.setdefault(key[1], number)
            for quotes in ('"""', "'''"):
                if line.count(quotes) % 2 == 1:
                    in_multiline = quotes
    return top, tables


def read_toml(path: Path, problems: list[Problem]) -> tuple[dict[str, Any], str] | None:
    """The parsed file and its text, or None with the reason added to `problems`."""
    from tutor.content.files import read_or_report

    text = read_or_report(path, problems)
    if text is None:
        return None
    try:
        return tomllib.loads(text), text
    except RecursionError:
        problems.append(Problem(path, 1, "bad TOML: tables or arrays nested too deeply"))
        return None
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_AT.search(str(exc))
        line = int(at[1]) if at else 1
        message = _TOML_AT.sub("", str(exc)).strip()
        problems.append(Problem(path, line, f"bad TOML: {message}"))
        return None

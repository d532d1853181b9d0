"""Split a slide file into its front matter and Markdown body.

The front matter is a block of `key: value` lines between two `---` lines
at the top of the file. It is deliberately tiny (no YAML dependency) so
that every problem can be pinned to a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FENCE = "---"
_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(?P<value>.*?)\s*$")


class FrontMatterError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Parsed:
    fields: dict[str, str]
    lines: dict[str, int]
    """1-based line number of each field."""
    body: str
    body_line: int
    """Line on which the body starts."""


def split(text: str) -> Parsed:
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise FrontMatterError(1, "slide must start with a '---' front matter block")
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == FENCE),
                   None)
    if closing is None:
        raise FrontMatterError(1, "front matter opened on line 1 is not closed by a '---' line")
    fields: dict[str, str] = {}
    where: dict[str, int] = {}
    for number, line in enumerate(lines[1:closing], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY_LINE.match(line)
        if match is None:
            raise FrontMatterError(number, f"expected 'key: value' in front matter, got {line!r}")
        key = match["key"]
        if key in fields:
            raise FrontMatterError(
                number, f"field '{key}' given twice (first on line {where[key]})")
        fields[key] = match["value"]
        where[key] = number
    rest = lines[closing + 1 :]
    blank = next((i for i, line in enumerate(rest) if line.strip()), len(rest))
    body = "\n".join(rest[blank:]).rstrip("\n")
    return Parsed(fields, where, body, closing + 2 + blank)

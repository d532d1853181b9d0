"""Text from files and names, made safe to put on a terminal.

Decks are written by instructors and passed around; folder names, user names
and participant names come from outside too. A control character in any of
them (an ESC starting a sequence that retitles the window or clears the
screen) must be shown, never obeyed. `inert` swaps each one for a visible
stand-in (`strip_controls` drops them, for data files); `control_characters`
finds them so `dltutor check` can name the line. Markup is a separate
matter: text is always handed to Rich and Textual as plain text (`Text`,
`markup=False`), never parsed as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional
# overrides and isolates that make a terminal draw text in another order
# than it is stored.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␀ for NUL...
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def inert(text: str) -> str:
    """`text` with every control character replaced by a visible stand-in."""
    return _CONTROL.sub(_stand_in, text)


def strip_controls(text: str) -> str:
    """`text` without its control characters: for data files (CSV, JSON), whose
    readers want the text itself, not stand-ins."""
    return _CONTROL.sub("", text)


def describe(char: str) -> str:
    """How a message names a control character: U+001B."""
    return f"U+{ord(char):04X}"


def control_characters(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line, character) of each control character in `text`."""
    for number, line in enumerate(text.split("\n"), start=1):
        for match in _CONTROL.finditer(line):
            yield number, match.group()

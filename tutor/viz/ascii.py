"""Plain-ASCII fallback for terminals that cannot draw Unicode.

`to_ascii` maps drawing characters one-for-one where a diagram's columns
depend on it (box lines, arrows, shades) and spells out the rest.
`AsciiOnly` wraps any Rich renderable and translates what it draws.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

_ONE_FOR_ONE = {
    # arrows keep diagrams aligned, so they stay one column wide
    "→": ">", "←": "<", "↑": "^", "↓": "v", "↔": "-", "⇒": ">", "⇐": "<",
    "▶": ">", "◀": "<", "▲": "^", "▼": "v", "►": ">", "◄": "<",
    "•": "*", "·": ".", "∙": ".", "●": "o", "○": "o", "◆": "*", "◇": "*", "★": "*",
    "█": "#", "▓": "#", "▒": "%", "░": ".", "▀": "\"", "▄": "_", "▌": "|", "▐": "|",
    "▁": "_", "▂": "_", "▃": "_", "▅": "=", "▆": "=", "▇": "#",
    "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "×": "x", "÷": "/",
    "✓": "v", "✔": "v", "✗": "x", "✘": "x", "≈": "~", "∼": "~", "−": "-", "…": ".",
    "²": "2", "³": "3", "¹": "1", "⁰": "0", "ᵀ": "T", "√": "V",
    "σ": "s", "Σ": "E", "∂": "d", "∇": "V", "η": "n", "α": "a", "β": "b", "θ": "0",
    "λ": "L", "μ": "u", "ε": "e", "≤": "<", "≥": ">", "≠": "#", "∞": "8", "∈": "E",
    "\u00a0": " ",
}


def _box_char(ch: str) -> str | None:
    """Box-drawing characters by the directions their strokes go."""
    name = unicodedata.name(ch, "")
    if not name.startswith("BOX DRAWINGS"):
        return None
    horizontal = "HORIZONTAL" in name or "LEFT" in name or "RIGHT" in name
    vertical = "VERTICAL" in name or "UP" in name or "DOWN" in name
    if "DIAGONAL" in name:
        return "\\" if "UPPER LEFT TO LOWER RIGHT" in name else "/"
    if "ARC" in name or (horizontal and vertical):
        return "+"
    if "DOUBLE HORIZONTAL" in name and not vertical:
        return "="
    return "-" if horizontal else "|"


def _char(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch in _ONE_FOR_ONE:
        return _ONE_FOR_ONE[ch]
    box = _box_char(ch)
    if box is not None:
        return box
    if 0x2800 <= ord(ch) <= 0x28FF:  # braille dots
        return "." if ord(ch) != 0x2800 else " "
    plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
    return plain[:1] or "?"


_TABLE: dict[str, str] = {}  # memo of _char for characters seen so far


def to_ascii(text: str) -> str:
    """`text` with every character replaced by a one-column ASCII stand-in."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        mapped = _TABLE.get(ch)
        if mapped is None:
            mapped = _TABLE[ch] = _char(ch)
        out.append(mapped)
    return "".join(out)


class AsciiOnly:
    """Render `renderable`, then translate every character to ASCII."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for segment in console.render(self.renderable, options):
            if segment.control or segment.text.isascii():
                yield segment
            else:
                yield Segment(to_ascii(segment.text), segment.style)

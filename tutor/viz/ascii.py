"""Plain-ASCII fallback for terminals that cannot draw Unicode.

Three translations, because chrome, maths and drawings need different things:
- `to_ascii_glyphs` keeps every character one column wide, for whatever Rich
  has already laid out (table rules, bullets, borders);
- `maths_to_ascii` spells symbols out so formulas keep their meaning
  (x² -> x^2, ŷ -> y_hat, η -> eta, 3·4 -> 3*4), for slide and quiz text;
- `to_ascii` is the same for the app's own chrome, where a spaced ` · `
  separates items and becomes ` - `.
`ascii_markdown` translates a slide *after* Markdown has parsed it, so an
inserted `*` can never turn into italics; inside fenced blocks a drawing
keeps its columns while the formulas in it are still spelled out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

if TYPE_CHECKING:  # Markdown is imported when a slide is drawn: the library needs none
    from markdown_it.token import Token
    from rich.markdown import Markdown


@cache
def _re(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled when first used: only --ascii needs these, and
    compiling them all took 2.4 ms of every start."""
    return re.compile(pattern)


_GLYPHS = {
    "→": ">", "←": "<", "↑": "^", "↓": "v", "↔": "-", "⇒": ">", "⇐": "<",
    "▶": ">", "◀": "<", "▲": "^", "▼": "v", "►": ">", "◄": "<",
    "•": "*", "∙": "*", "●": "@", "○": "o", "◆": "*", "◇": "*", "★": "*",
    "█": "#", "▓": "#", "▒": "%", "░": ".", "▀": '"', "▄": "_", "▌": "|", "▐": "|",
    "▁": "_", "▂": "_", "▃": "_", "▅": "=", "▆": "=", "▇": "#",
    "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "×": "x", "÷": "/",
    "✓": "+", "✔": "+", "✗": "x", "✘": "x", "≈": "~", "∼": "~", "−": "-", "…": ".",
    "√": "V", "σ": "s", "Σ": "E", "∂": "d", "∇": "V", "η": "n", "α": "a", "β": "b",
    "θ": "0", "λ": "L", "μ": "u", "ε": "e", "≤": "<", "≥": ">", "≠": "#", "∞": "8",
    "∈": "E", "\u00a0": " ", "′": "'", "″": '"', "₋": "-", "₊": "+", "·": "*",
}

# Readable spellings for text (lengths may change).
_WORDS = {
    "→": "->", "←": "<-", "⇒": "=>", "⇐": "<=", "↔": "<->", "…": "...", "—": "--",
    "≈": "~", "≤": "<=", "≥": ">=", "≠": "!=", "×": "x", "÷": "/", "√": "sqrt",
    "σ": "sigma", "Σ": "sum", "∂": "d", "∇": "grad", "η": "eta", "α": "alpha",
    "β": "beta", "θ": "theta", "λ": "lambda", "μ": "mu", "ε": "eps", "∞": "inf",
    "∈": "in", "·": "*", "″": "''",
}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ᵀ", "0123456789+-T")
_SUPERSCRIPT_RUN = "[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ᵀ]+"
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉₊₋ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵤᵥ", "0123456789+-aeoxhklmnpstijuv")
_SUBSCRIPT_RUN = "[₀-₉₊₋ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵤᵥ]+"
_HAT = "\u0302"  # combining circumflex, as in ŷ
_HORIZONTAL = set("─━═-")
_ROOT = r"√(\w+)"
_CHROME_DOT = r"(?<= )·(?= )"


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


@cache
def _glyph(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch in _GLYPHS:
        return _GLYPHS[ch]
    box = _box_char(ch)
    if box is not None:
        return box
    if 0x2800 <= ord(ch) <= 0x28FF:  # braille dots
        return "." if ord(ch) != 0x2800 else " "
    # ᵀ -> T, ₁ -> 1, é -> e; a compatibility form may itself need a glyph (₋ -> −).
    decomposed = unicodedata.normalize("NFKD", ch)
    plain = "".join(c if c.isascii() else _GLYPHS.get(c, "") for c in decomposed)
    return plain[:1] or "?"


def to_ascii_glyphs(text: str) -> str:
    """`text` with every character replaced by a one-column ASCII stand-in."""
    if text.isascii():
        return text
    out = []
    for i, ch in enumerate(text):
        if ch == "·":  # a multiplication dot, or part of an ellipsis "···"
            near = text[i - 1 : i] + text[i + 1 : i + 2]
            out.append("." if "·" in near else "*")
        else:
            out.append(_glyph(ch))
    return "".join(out)


def _subscript(match: re.Match[str]) -> str:
    """w₁ -> w1 as usual, but an index that is a letter keeps its mark:
    zᵢ -> z_i, hₜ₋₁ -> h_(t-1)."""
    run = match.group().translate(_SUBSCRIPTS)
    if run.isdigit():
        return run
    return f"_{run}" if len(run) == 1 else f"_({run})"


def maths_to_ascii(text: str) -> str:
    """`text` in readable ASCII with its maths intact; symbols may grow."""
    if text.isascii():
        return text
    text = text.replace("···", "...")
    text = _re(_ROOT).sub(r"sqrt(\1)", text)
    text = _re(_SUPERSCRIPT_RUN).sub(lambda m: "^" + m.group().translate(_SUPERSCRIPTS), text)
    text = _re(_SUBSCRIPT_RUN).sub(_subscript, text)
    text = unicodedata.normalize("NFD", text).replace(_HAT, "_hat")
    text = unicodedata.normalize("NFC", text)
    out = []
    for i, ch in enumerate(text):
        if ch in "→←" and (text[i - 1 : i] in _HORIZONTAL or text[i + 1 : i + 2] in _HORIZONTAL):
            out.append(_GLYPHS[ch])  # the head of a drawn line keeps its width
        else:
            out.append(_WORDS.get(ch) or _glyph(ch))
    return "".join(out)


def to_ascii(text: str) -> str:
    """The app's own labels and hints: a spaced `·` separates, it does not multiply."""
    return maths_to_ascii(_re(_CHROME_DOT).sub("-", text))


def _is_drawing(ch: str) -> bool:
    code = ord(ch)
    return 0x2500 <= code <= 0x25FF or 0x2800 <= code <= 0x28FF


_DRAWING_PARTS = (r"(?P<gap>  +)|(?P<draw>[\u2500-\u25ff\u2800-\u28ff])|"
                  r"(?P<text>[^ \u2500-\u25ff\u2800-\u28ff]+"
                  r"(?: [^ \u2500-\u25ff\u2800-\u28ff]+)*)|(?P<space> )")


_ARROW_HEAD = "(?<=[─━═])[→←]|[→←](?=[─━═])"


def drawing_to_ascii(line: str) -> str:
    """A drawn line in ASCII: strokes keep one column each, the words and
    formulas written among them are spelled out, and the extra width is taken
    from the next run of spaces so what follows keeps its column."""
    line = _re(_ARROW_HEAD).sub(lambda m: _GLYPHS[m.group()], line)
    out: list[str] = []
    debt = 0  # columns the spelled-out text has grown by, not yet given back
    for part in _re(_DRAWING_PARTS).finditer(line):
        kind, piece = part.lastgroup, part.group()
        if kind == "gap":
            give = min(debt, len(piece) - 1)
            debt -= give
            out.append(piece[give:])
        elif kind == "draw":
            out.append(_glyph(piece))
        elif kind == "text":
            spelled = maths_to_ascii(piece)
            debt += len(spelled) - len(piece)
            out.append(spelled)
        else:
            out.append(piece)
    return "".join(out)


def _fenced_to_ascii(code: str) -> str:
    return "\n".join(drawing_to_ascii(line) if any(map(_is_drawing, line))
                     else maths_to_ascii(line) for line in code.split("\n"))


def _translate_tokens(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type in ("fence", "code_block"):
            token.content = _fenced_to_ascii(token.content)
        elif token.type in ("text", "code_inline"):
            token.content = maths_to_ascii(token.content)
        if token.children:
            _translate_tokens(token.children)


def ascii_markdown(markup: str, **options: object) -> Markdown:
    """`Markdown(markup)` whose parsed text is spelled out in ASCII.

    Translating the source first would let Markdown read an inserted `*` as
    emphasis (784·32 + 32·9 -> 784*32 + 32*9 -> 784<i>32 + 32</i>9).
    """
    from rich.markdown import Markdown

    markdown = Markdown(markup, **options)  # type: ignore[arg-type]
    _translate_tokens(markdown.parsed)
    return markdown


class AsciiOnly:
    """Render `renderable`, then translate every character drawn to ASCII."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for segment in console.render(self.renderable, options):
            if segment.control or segment.text.isascii():
                yield segment
            else:
                yield Segment(to_ascii_glyphs(segment.text), segment.style)


def plain(renderable: RenderableType, ascii: bool) -> RenderableType:
    """`renderable` drawn with ASCII characters only when `ascii` is set."""
    return AsciiOnly(renderable) if ascii else renderable

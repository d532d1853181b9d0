"""The ASCII fallback keeps diagrams aligned and maths meaning the same."""

from __future__ import annotations

import re

import pytest
from conftest import REAL_CONTENT
from rich.console import Console

from tutor.content import load_library
from tutor.viz.ascii import drawing_to_ascii, maths_to_ascii, to_ascii, to_ascii_glyphs
from tutor.viz.cards import slide_body


@pytest.mark.parametrize(("text", "expected"), [
    ("3·4 = 12 weights", "3*4 = 12 weights"),
    ("0.5²⁰ ≈ 0.000001", "0.5^20 ~ 0.000001"),
    ("(ŷ − y)²", "(y_hat - y)^2"),
    ("w ← w − η·∂L/∂w", "w <- w - eta*dL/dw"),
    ("divide by √d", "divide by sqrt(d)"),
    ("w₁x₁ + ··· + b", "w1x1 + ... + b"),
    ("∂L/∂ŷ · ∂ŷ/∂h", "dL/dy_hat * dy_hat/dh"),
    ("W′x + b′", "W'x + b'"),
    ("U·hₜ₋₁ + W·xₜ", "U*h_(t-1) + W*x_t"),
    ("softmax(Q·Kᵀ)", "softmax(Q*K^T)"),
])
def test_maths_keeps_its_meaning(text: str, expected: str) -> None:
    assert maths_to_ascii(text) == expected


def test_chrome_separators_stay_separators() -> None:
    assert to_ascii("Opening  ·  Deep") == "Opening  -  Deep"
    assert to_ascii("← → move · t contents") == "<- -> move - t contents"


def test_glyphs_keep_every_column() -> None:
    drawing = "┌──┐ ●○ ▓▒░ ─→ │x·y│ └──┘ ⠿"
    translated = to_ascii_glyphs(drawing)
    assert translated.isascii() and len(translated) == len(drawing)
    assert translated.startswith("+--+ @o #%. ->")


def test_formulas_inside_drawings_are_spelled_out_and_columns_kept() -> None:
    line = "│    ŷ = f(x; w)      │ ─────→ │    loss L(ŷ, y)     │"
    ascii = drawing_to_ascii(line)
    assert "y_hat = f(x; w)" in ascii and "loss L(y_hat, y)" in ascii
    # The borders after each formula stay where they were.
    assert [m.start() for m in re.finditer(r"\|", ascii)] == [
        m.start() for m in re.finditer("│", line)]


def _render(renderable: object, width: int = 220) -> list[str]:
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().split("\n")]


# What each Unicode character reads as in ASCII: the test's own table, so a
# translation that changes meaning (an italic, a minus, a '?') shows up.
_SUBSTITUTIONS = [
    ("───→", "--->"), ("──→", "-->"), ("─→", "->"), ("←──", "<--"), ("···", "..."),
    ("→", "->"), ("←", "<-"), ("↑", "^"), ("▶", ">"), ("↓", "v"), ("·", "*"), ("•", "*"),
    ("−", "-"), ("–", "-"), ("—", "--"), ("…", "..."), ("×", "x"), ("≈", "~"),
    ("≤", "<="), ("≥", ">="), ("η", "eta"), ("σ", "sigma"), ("Σ", "sum"), ("∂", "d"),
    ("ŷ", "y_hat"), ("′", "'"), ("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'),
    ("₋", "-"), ("●", "@"), ("○", "o"), ("█", "#"), ("░", "."),
    ("╲", "\\"), ("╱", "/"), ("│", "|"), ("─", "-"), ("┆", "|"),
]
_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉₋ᵢⱼₜ", "0123456789-ijt")
_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ᵀ", "0123456789+-T")


def _index(match: re.Match[str]) -> str:
    run = match.group().translate(_SUB)
    return run if run.isdigit() else f"_{run}" if len(run) == 1 else f"_({run})"


def _expected_ascii(text: str) -> str:
    text = re.sub(r"√(\w+)", r"sqrt(\1)", text)
    text = re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ᵀ]+", lambda m: "^" + m.group().translate(_SUPER), text)
    text = re.sub("[₀₁₂₃₄₅₆₇₈₉₋ᵢⱼₜ]+", _index, text)
    for unicode, ascii in _SUBSTITUTIONS:
        text = text.replace(unicode, ascii)
    return re.sub("[┌┐└┘├┤┬┴┼╭╮╰╯]", "+", text)


def _squeeze(lines: list[str]) -> str:
    """The text without spaces or rule lines (a table's rule follows its widths)."""
    kept = [line for line in lines if not re.fullmatch(r"[\s+|=-]*", line)]
    return re.sub(r"\s+", "", "".join(kept))


SLIDES = [(deck.id, slide) for deck in load_library(REAL_CONTENT).decks for slide in deck.slides]


@pytest.mark.parametrize(("deck", "slide"), SLIDES, ids=[f"{d}/{s.id}" for d, s in SLIDES])
def test_every_slide_reads_the_same_in_ascii(deck: str, slide: object) -> None:
    unicode = _render(slide_body(slide, ascii=False))  # type: ignore[arg-type]
    ascii = _render(slide_body(slide, ascii=True))  # type: ignore[arg-type]
    assert all(line.isascii() for line in ascii)
    assert "?" not in "".join(ascii).replace("?", "", "".join(unicode).count("?"))
    # Spaces may move (a drawing gives back the columns a formula grew by);
    # every other character must be the table's translation of the Unicode one.
    assert _squeeze(ascii) == _squeeze([_expected_ascii(line) for line in unicode])


def test_an_inserted_star_is_never_emphasis() -> None:
    from tutor.content.model import Slide

    slide = Slide("s", "S", "x", "32 units need 784·32 + 32 = 25,120; 32·9 + 32 = 320")
    assert "784*32 + 32 = 25,120; 32*9 + 32 = 320" in "".join(_render(slide_body(slide, True)))

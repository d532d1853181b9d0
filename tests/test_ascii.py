"""The ASCII fallback keeps diagrams aligned and maths readable."""

from __future__ import annotations

import pytest

from tutor.viz.ascii import markdown_to_ascii, to_ascii, to_ascii_glyphs


@pytest.mark.parametrize(("text", "expected"), [
    ("3·4 = 12 weights", "3*4 = 12 weights"),
    ("0.5²⁰ ≈ 0.000001", "0.5^20 ~ 0.000001"),
    ("(ŷ − y)²", "(y_hat - y)^2"),
    ("w ← w − η·∂L/∂w", "w <- w - eta*dL/dw"),
    ("divide by √d", "divide by sqrt(d)"),
    ("w₁x₁ + ··· + b", "w1x1 + ... + b"),
    ("Opening  ·  Deep", "Opening  -  Deep"),
])
def test_prose_keeps_its_meaning(text: str, expected: str) -> None:
    assert to_ascii(text) == expected


def test_drawings_keep_every_column() -> None:
    drawing = "┌──┐ ●○ ▓▒░ ─→ │x·y│ └──┘ ⠿"
    translated = to_ascii_glyphs(drawing)
    assert translated.isascii() and len(translated) == len(drawing)
    assert translated.startswith("+--+ @o #%. ->")


def test_fenced_formulas_are_spelled_out_but_drawings_are_not() -> None:
    source = "Text x²\n```text\nz = ŷ − y\n│ ŷ │\n```\nmore"
    assert markdown_to_ascii(source) == "Text x^2\n```text\nz = y_hat - y\n| y |\n```\nmore"

"""Mutated decks, seeded: the loader never raises or hangs, and every deck it
accepts can be shown, slide by slide, with its contents and quiz."""

from __future__ import annotations

import asyncio
import io
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES
from rich.console import Console

from tutor import quiz
from tutor.content import Deck, load_library
from tutor.options import AppOptions
from tutor.ui.startup import make_app
from tutor.viz.cards import question_card, slide_body, slide_position
from tutor.viz.deck_entry import deck_entry

WEIRD = ["", " ", "\x1b[2J", "\x00", "[b]x[/b]", "[@click=app.quit]x[/]", "\u202e", "é" * 300,
         "你好" * 50, "\ud7ff", "1e308", "-1", "nan", "inf", "99999999999999999999", '"""',
         "'''", "[[section]]", "= =", "---", "```", "\t", "\\", "\\u001b", "0x10", "{", "[",
         "x" * 5000, "\n" * 50, "demo: lr-race rates=1e400", "answer = 0", "minutes = -inf"]


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(6)
        at = rng.randrange(len(lines) + 1)
        if kind == 0 and lines:
            del lines[min(at, len(lines) - 1)]
        elif kind == 1:
            lines.insert(at, rng.choice(WEIRD))
        elif kind == 2 and lines:
            i = min(at, len(lines) - 1)
            cut = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:cut] + rng.choice(WEIRD) + lines[i][cut:]
        elif kind == 3 and lines:
            lines.insert(at, rng.choice(lines))
        elif kind == 4:
            lines = lines[:at]
        elif kind == 5 and lines:  # a value replaced, keeping the key
            i = min(at, len(lines) - 1)
            key, sep, _ = lines[i].partition("=" if "=" in lines[i] else ":")
            if sep:
                lines[i] = f"{key}{sep} {rng.choice(WEIRD)}"
    return "\n".join(lines)


def _mutated_library(root: Path, seed: int) -> Path:
    rng = random.Random(seed)
    target = root / f"case-{seed}"
    shutil.copytree(FIXTURES / "good", target)
    files = sorted(p for p in target.rglob("*") if p.is_file())
    for path in rng.sample(files, rng.randint(1, 3)):
        roll = rng.random()
        if roll < 0.04:
            path.unlink()
            os.mkfifo(path)  # reading it must not hang
        elif roll < 0.08:
            path.unlink()
            path.symlink_to("/dev/zero")  # endless
        elif roll < 0.1:
            path.write_bytes(b"\xff\xfe" + path.read_bytes())
        else:
            path.write_text(_mutate(path.read_text(encoding="utf-8"), rng), encoding="utf-8")
    return target


def _render_everything(deck: Deck) -> None:
    """Draw every card of the deck as the screens do, at 80 columns, both glyph sets."""
    console = Console(width=76, file=io.StringIO(), color_system=None)
    rng = random.Random(0)
    for ascii in (False, True):
        console.print(deck_entry(deck, 1, (1, 2), 0))
        for index, slide in enumerate(deck.slides):
            console.print(slide_body(slide, ascii), slide_position(deck, index))
        if deck.questions:
            for item in quiz.draw_round(deck, rng):
                given = quiz.answer(item, 0)
                console.print(question_card(item, 1, 2, 0, given, "t", ascii))


def test_the_loader_survives_300_mutated_libraries(tmp_path: Path) -> None:
    loaded = 0
    for seed in range(300):
        library = load_library(_mutated_library(tmp_path, seed))
        for problem in library.problems:
            assert problem.line >= 1 and str(problem).startswith(str(problem.path))
        for deck in library.decks:
            _render_everything(deck)
        loaded += len(library.decks)
    assert loaded  # some mutations keep a deck valid, and those are what the app sees


APP_CASES = 14
"""Accepted mutated decks the app is started on: about a second each on a busy core."""
CASE_LIMIT_S = 60.0
"""Longest one case may take: a guard against a hang, far above a case's second."""


async def _drive_app(options: AppOptions) -> None:
    """Start the app on a deck, open and close a dialog, move, answer, go back and reopen."""
    app = make_app(options)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t", "escape", "end", "right", "1", "enter", "escape")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert app.is_running


async def test_the_app_starts_on_accepted_mutated_decks(
        tmp_path: Path, options_for: Callable[..., AppOptions]) -> None:
    shown = 0
    for seed in range(300):
        if shown == APP_CASES:
            break
        root = _mutated_library(tmp_path, seed)
        library = load_library(root)
        if not library.decks:
            continue
        deck = library.decks[seed % len(library.decks)]
        try:
            await asyncio.wait_for(_drive_app(options_for(root, deck=deck.id)), CASE_LIMIT_S)
        except TimeoutError:
            pytest.fail(f"seed {seed}: the app on deck {deck.id!r} still ran after "
                        f"{CASE_LIMIT_S:.0f} s")
        except Exception as exc:
            raise AssertionError(f"seed {seed}, deck {deck.id!r}: {exc!r}") from exc
        shown += 1
    assert shown == APP_CASES

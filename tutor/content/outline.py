"""What the library screen shows of each deck, read without checking the deck.

Loading a library checks every file of every deck (about 40 ms for the
bundled two, a third of dltutor's own start-up). The library screen needs
far less: each deck's title, summary, length, prerequisites, and its slides'
ids and titles. `read_outlines` reads just that (`deck.toml` and the front
matter of each slide), so the first screen can be drawn while the full
library loads behind it; the app then swaps in the checked decks.

It is a shortcut, never a judge: on anything unexpected it returns None and
the caller loads the library the careful way, whose messages name the file
and line. A deck that reads well here and turns out to have problems is
taken off the list once the full load says so.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tutor.content.files import read_text

if TYPE_CHECKING:
    from tutor.content.model import Deck

DECK_FILE = "deck.toml"
QUIZ_FILE = "quiz.toml"
SLIDES_DIR = "slides"
FENCE = "---"


class SlideHead(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...


class DeckCard(Protocol):
    """What the library shows of a deck: a checked `Deck` or a `DeckOutline`."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def minutes(self) -> float: ...
    @property
    def prerequisites(self) -> tuple[str, ...]: ...
    @property
    def slides(self) -> Sequence[SlideHead]: ...
    @property
    def has_quiz(self) -> bool: ...

    def slide_index(self, slide_id: str) -> int: ...


@dataclass(frozen=True)
class SlideOutline:
    id: str
    title: str


@dataclass(frozen=True)
class DeckOutline:
    id: str
    title: str
    summary: str
    minutes: float
    prerequisites: tuple[str, ...]
    slides: tuple[SlideOutline, ...]
    has_quiz: bool
    order: int = 100

    def slide_index(self, slide_id: str) -> int:
        return slide_position(self.slides, slide_id)


def slide_position(slides: Sequence[SlideHead], slide_id: str) -> int:
    """Index of the slide with this id; KeyError if there is none."""
    for i, slide in enumerate(slides):
        if slide.id == slide_id:
            return i
    raise KeyError(slide_id)


def outline_of(deck: Deck) -> DeckOutline:
    """What the library shows of a checked deck, to compare with an outline."""
    return DeckOutline(deck.id, deck.title, deck.summary, deck.minutes, deck.prerequisites,
                       tuple(SlideOutline(s.id, s.title) for s in deck.slides), deck.has_quiz,
                       deck.order)


class _Unexpected(Exception):
    """Something the careful loader should look at."""


def read_outlines(root: Path) -> tuple[DeckOutline, ...] | None:
    """The outline of every deck under `root`, in library order; None when any
    deck folder is not plainly well-formed (or there is none)."""
    try:
        names = sorted(os.listdir(root))
        outlines = [_outline(Path(root) / name) for name in names
                     if os.path.isfile(os.path.join(root, name, DECK_FILE))]
    except (OSError, ValueError, _Unexpected):  # UnicodeDecodeError and TOML errors too
        return None
    if not outlines or len(outlines) != sum(os.path.isdir(os.path.join(root, n)) for n in names):
        return None  # a folder that is not a deck (or a single deck): the loader says why
    outlines.sort(key=lambda d: (d.order, d.title))
    return tuple(outlines)


def _outline(folder: Path) -> DeckOutline:
    data = tomllib.loads(read_text(folder / DECK_FILE))
    title, summary, minutes = data.get("title"), data.get("summary"), data.get("minutes")
    order = data.get("order", 100)
    prerequisites = data.get("prerequisites", [])
    if not (isinstance(title, str) and isinstance(summary, str)
            and isinstance(minutes, int | float) and not isinstance(minutes, bool)
            and isinstance(order, int) and not isinstance(order, bool)
            and isinstance(prerequisites, list)
            and all(isinstance(p, str) for p in prerequisites)):
        raise _Unexpected(folder)
    slides_dir = folder / SLIDES_DIR
    files = sorted(name for name in os.listdir(slides_dir) if name.endswith(".md"))
    slides = tuple(_slide_head(slides_dir / name) for name in files)
    if not slides:
        raise _Unexpected(folder)
    return DeckOutline(folder.name, title, summary, float(minutes), tuple(prerequisites),
                       slides, os.path.isfile(folder / QUIZ_FILE), order)


def _slide_head(path: Path) -> SlideOutline:
    """A slide's id and title from its front matter."""
    lines = read_text(path).split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise _Unexpected(path)
    fields: dict[str, str] = {}
    for line in lines[1:]:
        if line.strip() == FENCE:
            break
        key, colon, value = line.partition(":")
        if colon:
            fields[key.strip()] = value.strip()
    else:
        raise _Unexpected(path)  # the front matter is never closed
    if not fields.get("id") or not fields.get("title"):
        raise _Unexpected(path)
    return SlideOutline(fields["id"], fields["title"])

"""Load and validate decks from `content/<deck-id>/`, one by one or a whole library.

A deck folder holds `deck.toml`, `slides/*.md` and `quiz.toml` (read in
`deck_parts`), and optionally code snippets, a decision guide and a
glossary. Every problem found is collected as a `Problem` with its file and
line, so an instructor sees all of them at once; a deck with problems is
left out of the library, the others load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tutor.content.deck_parts import (
    DECK_FILE,
    QUIZ_FILE,
    SLIDES_DIR,
    read_deck_file,
    read_quiz,
    read_slides,
)
from tutor.content.errors import ContentError, Problem
from tutor.content.files import read_text
from tutor.content.glossary import read_glossary
from tutor.content.guide import read_guide
from tutor.content.model import Deck
from tutor.content.snippets import read_snippets
from tutor.content.toml_lines import key_lines

__all__ = ["DECK_FILE", "QUIZ_FILE", "SLIDES_DIR", "Library", "check_deck", "deck_folders",
           "load_deck", "load_library"]


@dataclass(frozen=True)
class Library:
    decks: tuple[Deck, ...]
    problems: tuple[Problem, ...]
    """Problems of decks that could not be loaded (they are left out)."""
    root: Path = Path()

    def broken(self) -> set[str]:
        """Ids (folder names) of the decks that have problems."""
        names = set()
        for problem in self.problems:
            try:
                names.add(problem.path.relative_to(self.root).parts[0])
            except (ValueError, IndexError):  # the root itself, or a single deck
                names.add(self.root.name)
        return names

    def ids(self) -> list[str]:
        return [deck.id for deck in self.decks]

    def get(self, deck_id: str) -> Deck:
        for deck in self.decks:
            if deck.id == deck_id:
                return deck
        raise KeyError(deck_id)


def check_deck(folder: Path) -> tuple[Deck | None, list[Problem]]:
    """Read one deck folder; the deck is None when any problem was found."""
    folder = Path(folder)
    problems: list[Problem] = []
    meta = read_deck_file(folder, problems)
    if meta is None:
        return None, problems
    section_ids = {s.id for s in meta["sections"]}
    slides, slide_ids = read_slides(folder, section_ids, problems)
    topics: tuple[str, ...] = meta["topics"]
    # Links to a slide whose file has problems of its own are not reported again.
    questions = read_quiz(folder, topics, slide_ids, problems)
    problems.extend(read_snippets(folder)[1])  # code/*.py must compile
    problems.extend(read_guide(folder, slide_ids)[1])  # decision-guide.toml, if any
    glossary = read_glossary(folder, slide_ids, problems)
    deck_path = folder / DECK_FILE
    for topic in topics if questions is not None else ():
        if not any(q.topic == topic for q in questions or ()):
            problems.append(Problem(deck_path, meta["topics_line"],
                                    f"quiz topic '{topic}' has no questions in {QUIZ_FILE}"))
    for section in meta["sections"]:
        if slides and not any(s.section == section.id for s in slides):
            problems.append(Problem(deck_path, meta["section_lines"][section.id],
                                    f"section '{section.id}' has no slides"))
    if problems:
        return None, problems
    deck = Deck(
        id=folder.name, title=meta["title"], summary=meta["summary"], minutes=meta["minutes"],
        prerequisites=meta["prerequisites"], sections=meta["sections"], slides=tuple(slides),
        topics=topics, questions=tuple(questions or ()), order=meta["order"], path=folder,
        glossary=glossary,
    )
    return deck, []


def load_deck(folder: Path) -> Deck:
    deck, problems = check_deck(folder)
    if deck is None:
        raise ContentError(problems)
    return deck


def deck_folders(root: Path) -> list[Path]:
    """The deck folders under `root` (or `root` itself if it is one)."""
    root = Path(root)
    if (root / DECK_FILE).is_file():
        return [root]
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / DECK_FILE).is_file())


def _looks_like_a_deck(folder: Path) -> bool:
    return (folder / SLIDES_DIR).is_dir() or (folder / QUIZ_FILE).is_file()


def load_library(root: Path) -> Library:
    """Every deck under `root` that loads; the problems of those that don't."""
    root = Path(root)
    if not root.is_dir():
        return Library((), (Problem(root, 1, "folder does not exist"),), root)
    decks: list[Deck] = []
    problems: list[Problem] = []
    folders = deck_folders(root)
    single = folders == [root]
    if not single:  # a deck folder whose deck.toml is missing or misnamed
        problems.extend(Problem(p / DECK_FILE, 1, "file is missing")
                        for p in sorted(root.iterdir())
                        if p.is_dir() and p not in folders and _looks_like_a_deck(p))
    if not folders and not problems:
        problems.append(Problem(root, 1, f"no decks found (no */{DECK_FILE})"))
    for folder in folders:
        try:
            deck, found = check_deck(folder)
        except Exception as exc:  # noqa: BLE001 - one deck nobody foresaw must not stop the rest
            deck, found = None, [Problem(folder / DECK_FILE, 1, f"could not be loaded: "
                                         f"{type(exc).__name__}: {exc}")]
        problems.extend(found)
        if deck is not None:
            decks.append(deck)
    # Checking one deck on its own: its prerequisites are its sibling decks.
    known = {f.name for f in (deck_folders(root.parent) if single else folders)}
    for deck in decks:
        missing = [p for p in deck.prerequisites if p not in known]
        if missing and deck.path is not None:
            path = deck.path / DECK_FILE
            try:
                line = key_lines(read_text(path))[0].at("prerequisites")
            except (OSError, ValueError):  # changed since it was read: no line to point at
                line = 1
            problems.extend(Problem(path, line, f"prerequisite '{p}' is not a deck beside it")
                            for p in missing)
    decks.sort(key=lambda d: (d.order, d.title))
    return Library(tuple(decks), tuple(problems), root)

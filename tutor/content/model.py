"""The shapes of a deck once loaded: plain frozen dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tutor.content.outline import slide_position

ParamValue = str | int | float | bool | tuple[int, ...] | tuple[float, ...]
"""A typed demo parameter (see `tutor.content.demos`)."""


@dataclass(frozen=True)
class Demo:
    """A live widget a slide asks for, e.g. `demo: lr-race rates=0.01,0.3,3`.

    Built by `tutor.content.demos.parse_demo`: `params` holds every parameter
    of the demo's spec, typed, with defaults for those the slide leaves out.
    """

    name: str
    params: dict[str, ParamValue] = field(default_factory=dict)

    # Typed reads for widgets and lessons (the spec guarantees the type; these
    # say so to the type checker, and fail loudly if a spec and a reader disagree).
    def number(self, key: str) -> float:
        value = self.params[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"demo {self.name}: {key} is not a number: {value!r}")
        return float(value)

    def integer(self, key: str) -> int:
        value = self.params[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"demo {self.name}: {key} is not a whole number: {value!r}")
        return value

    def text(self, key: str) -> str:
        value = self.params[key]
        if not isinstance(value, str):
            raise TypeError(f"demo {self.name}: {key} is not text: {value!r}")
        return value

    def flag(self, key: str) -> bool:
        value = self.params[key]
        if not isinstance(value, bool):
            raise TypeError(f"demo {self.name}: {key} is not true/false: {value!r}")
        return value

    def numbers(self, key: str) -> tuple[float, ...]:
        value = self.params[key]
        if not isinstance(value, tuple):
            raise TypeError(f"demo {self.name}: {key} is not a list: {value!r}")
        return tuple(float(v) for v in value)

    def integers(self, key: str) -> tuple[int, ...]:
        value = self.params[key]
        if not isinstance(value, tuple) or not all(isinstance(v, int) for v in value):
            raise TypeError(f"demo {self.name}: {key} is not a list of whole numbers: {value!r}")
        return tuple(int(v) for v in value)


@dataclass(frozen=True)
class Slide:
    id: str
    title: str
    section: str
    """Id of the section the slide belongs to."""
    body: str
    """Markdown text of the slide."""
    demo: Demo | None = None
    path: Path | None = None
    """File the slide came from (for messages)."""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    minutes: float
    """Planned minutes of the session spent on this section."""


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    prompt: str
    choices: tuple[str, ...]
    answer: int
    """Index (0-based) of the right choice in `choices`."""
    explain: str
    slide: str
    """Id of the slide that teaches the answer."""


@dataclass(frozen=True)
class Term:
    """A glossary entry: a term and the slide that defines it."""

    term: str
    slide: str
    means: str
    match: tuple[str, ...]
    """Words that count as using the term (empty: not checked)."""
    line: int = 1
    """Line of the entry in the glossary file (for messages)."""


@dataclass(frozen=True)
class Deck:
    id: str
    title: str
    summary: str
    minutes: float
    prerequisites: tuple[str, ...]
    sections: tuple[Section, ...]
    slides: tuple[Slide, ...]
    topics: tuple[str, ...]
    """Quiz topics in the order a round asks them (one question each)."""
    questions: tuple[Question, ...]
    order: int = 100
    """Position in the library (lower first)."""
    path: Path | None = None
    glossary: tuple[Term, ...] = ()
    """Terms in the order the deck defines them."""

    @property
    def has_quiz(self) -> bool:
        return bool(self.questions)

    def slide_index(self, slide_id: str) -> int:
        """Position of the slide with this id; KeyError if there is none."""
        return slide_position(self.slides, slide_id)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def minutes_left(self, index: int) -> float:
        """Planned minutes left when the learner is on slide `index`.

        Sections after the current one count in full; the current section
        counts for the share of its slides not yet reached.
        """
        if not self.slides:
            return 0.0
        index = max(0, min(index, len(self.slides) - 1))
        current = self.slides[index].section
        order = [s.id for s in self.sections]
        pos = order.index(current)
        later = sum(s.minutes for s in self.sections[pos + 1 :])
        in_section = [i for i, s in enumerate(self.slides) if s.section == current]
        done = in_section.index(index)
        share_left = 1 - done / len(in_section)
        return later + self.sections[pos].minutes * share_left

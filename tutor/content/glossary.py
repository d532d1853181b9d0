"""A deck's glossary: `glossary.toml`, one `[[term]]` per term, each naming
the slide that defines it. Optional: a deck without the file has no glossary.

```toml
[[term]]
term = "logit"
slide = "softmax"                 # the slide that defines it
means = "a raw output score, before sigmoid or softmax"
match = ["logit", "logits"]       # words that count as a use (default: the term)
```
"""

from __future__ import annotations

import re
from pathlib import Path

from tutor.content.errors import Problem
from tutor.content.fields import open_toml, tables
from tutor.content.model import Slide, Term

GLOSSARY_FILE = "glossary.toml"
TERM_KEYS = {"term", "slide", "means", "match"}


def read_glossary(folder: Path, slide_ids: set[str],
                  problems: list[Problem]) -> tuple[Term, ...]:
    """The terms of `folder/glossary.toml`, in slide order of definition."""
    path = folder / GLOSSARY_FILE
    if not path.exists():
        return ()
    opened = open_toml(path, problems)
    if opened is None:
        return ()
    data, top, blocks, check = opened.data, opened.top, opened.blocks, opened.check
    check.fields(data, {"term"}, set(), top, "glossary file")
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for table, block in tables(data, "term", blocks, check):
        check.fields(table, TERM_KEYS, {"term", "slide", "means"}, block, "term")
        name = check.text(table, "term", block, "term")
        slide = check.text(table, "slide", block, "term")
        means = check.text(table, "means", block, "term")
        match = check.strings(table, "match", block, "term") if "match" in table else (name,)
        if slide and slide not in slide_ids:
            check.add(block.at("slide"), f"term '{name}' names slide '{slide}', which does "
                      "not exist")
            continue
        if name.lower() in seen:
            check.add(block.at("term"), f"term '{name}' is defined twice (first on line "
                      f"{seen[name.lower()]})")
            continue
        if name and slide and means:
            seen[name.lower()] = block.at("term")
            terms.append(Term(name, slide, means, match, block.at("term")))
    return tuple(terms)


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def used_before_defined(terms: tuple[Term, ...],
                        slides: tuple[Slide, ...]) -> list[tuple[str, str]]:
    """(term, message) for each term used before its slide, or missing from it."""
    order = {slide.id: i for i, slide in enumerate(slides)}
    found = []
    for term in terms:
        if not term.match or term.slide not in order:
            continue
        pattern = _pattern(term.match)
        defined_at = order[term.slide]
        early = [s.id for s in slides[:defined_at] if pattern.search(s.body)]
        if early:
            found.append((term.term, f"term '{term.term}' is used on slide "
                                     f"{', '.join(early)} before slide '{term.slide}' defines it"))
        if not pattern.search(slides[defined_at].body):
            found.append((term.term, f"term '{term.term}' does not appear on slide "
                                     f"'{term.slide}', which should define it"))
    return found

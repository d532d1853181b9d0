"""Code a deck ships beside its slides, in `code/*.py` (e.g. the same model
in three frameworks). `check` compiles each file, so a syntax error is
reported at its file and line; nothing is run or imported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tutor.content.errors import Problem
from tutor.content.files import read_or_report

SNIPPETS_DIR = "code"


@dataclass(frozen=True)
class Snippet:
    name: str
    """File name without `.py`, e.g. "pytorch"."""
    path: Path
    source: str

    @property
    def lines(self) -> int:
        """Lines of code: neither blank nor only a comment."""
        return sum(1 for line in self.source.splitlines()
                   if line.strip() and not line.lstrip().startswith("#"))


def read_snippets(deck_folder: Path) -> tuple[list[Snippet], list[Problem]]:
    """The deck's snippets in file-name order, and the problems of those that
    cannot be read or do not compile."""
    folder = Path(deck_folder) / SNIPPETS_DIR
    snippets: list[Snippet] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        source = read_or_report(path, problems)  # regular files only, size capped
        if source is None:
            continue
        try:
            compile(source, str(path), "exec", dont_inherit=True)
        except SyntaxError as exc:
            problems.append(Problem(path, exc.lineno or 1, f"syntax error: {exc.msg}"))
            continue
        except ValueError as exc:  # e.g. a NUL byte
            problems.append(Problem(path, 1, f"cannot compile: {exc}"))
            continue
        snippets.append(Snippet(path.stem, path, source))
    return snippets, problems

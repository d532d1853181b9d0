"""The room's results, read from the room database (read-only, no Textual).

Per question, each participant's *first* answer counts: a retake after the
instructor explains should not hide that the room missed it the first time.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tutor.content import Library, load_library
from tutor.progress_file import FILE_NAME


class RoomUnavailable(Exception):
    """No room database to read, or it cannot be opened; the message says which."""


@dataclass(frozen=True)
class QuestionResult:
    deck: str
    question: str
    prompt: str
    answered: int
    """Participants who answered it."""
    right: int
    """Of those, how many were right the first time."""
    wrong_choice: str | None
    """The wrong answer chosen most often (its text), if anyone was wrong."""
    wrong_count: int

    @property
    def share_right(self) -> float:
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class ParticipantResult:
    nickname: str
    answered: int
    right: int
    best: tuple[int, int] | None
    """Best finished quiz round (right, total), if any."""
    seconds: float
    """From their first to their last recorded step."""
    slides_seen: int
    slides_total: int
    """Slides in the decks they opened."""


@dataclass(frozen=True)
class RoomResults:
    room_dir: Path
    questions: tuple[QuestionResult, ...]
    """Most missed first."""
    participants: tuple[ParticipantResult, ...]
    answers: int
    integrity: str | None
    """"ok", SQLite's complaint, or None when not checked."""


def _seconds(first: str, last: str) -> float:
    try:
        return (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()
    except ValueError:
        return 0.0


class RoomReader:
    """A read-only connection to a room database that can tell when it changed."""

    def __init__(self, room_dir: Path, library: Library) -> None:
        self.room_dir = Path(room_dir)
        self.library = library
        path = self.room_dir / FILE_NAME
        if not path.is_file():
            raise RoomUnavailable(f"no room database at {path}")
        try:
            self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                       timeout=5.0, check_same_thread=False)
            self._db.execute("SELECT COUNT(*) FROM answer").fetchone()
        except sqlite3.Error as exc:
            raise RoomUnavailable(f"cannot read {path}: {exc}") from exc
        self._version: int | None = None

    def close(self) -> None:
        self._db.close()

    def changed(self) -> bool:
        """True the first time and whenever another connection committed since."""
        version = int(self._db.execute("PRAGMA data_version").fetchone()[0])
        changed, self._version = version != self._version, version
        return changed

    def read(self, check: bool = False) -> RoomResults:
        db = self._db
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0] if check else None
        # One read transaction, so the figures agree with each other.
        db.execute("BEGIN")
        try:
            answers = db.execute(
                "SELECT t.participant, t.deck, a.question, a.choice, a.correct FROM answer a "
                "JOIN attempt t ON t.id = a.attempt ORDER BY a.at, t.id, a.rowid").fetchall()
            seen = db.execute("SELECT participant, deck, COUNT(*), MIN(at), MAX(at) FROM seen "
                              "GROUP BY participant, deck").fetchall()
            spans = db.execute(
                "SELECT t.participant, MIN(t.started), MAX(COALESCE(a.at, t.started)) "
                "FROM attempt t LEFT JOIN answer a ON a.attempt = t.id "
                "GROUP BY t.participant").fetchall()
            best = db.execute(
                "SELECT participant, right, total FROM attempt WHERE finished IS NOT NULL "
                "ORDER BY CAST(right AS REAL) / total, right").fetchall()
        finally:
            db.execute("COMMIT")
        return RoomResults(self.room_dir, self._questions(answers),
                           self._participants(answers, seen, spans, best), len(answers),
                           integrity)

    def _questions(self, answers: list[tuple[str, str, str, int, int]]
                   ) -> tuple[QuestionResult, ...]:
        first: dict[tuple[str, str, str], tuple[int, int]] = {}
        for participant, deck, question, choice, correct in answers:
            first.setdefault((participant, deck, question), (choice, correct))
        tally: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for (_, deck_id, question_id), first_answer in first.items():
            tally[deck_id, question_id].append(first_answer)
        results = []
        decks = {deck.id: deck for deck in self.library.decks}
        for (deck_id, question_id), given in tally.items():
            prompt = question_id
            choices: tuple[str, ...] = ()
            known = next((q for q in decks[deck_id].questions if q.id == question_id),
                         None) if deck_id in decks else None
            if known:
                prompt, choices = known.prompt, known.choices
            wrong = Counter(choice for choice, correct in given if not correct)
            top = wrong.most_common(1)
            wrong_text = None
            if top:
                index = top[0][0]
                wrong_text = choices[index] if 0 <= index < len(choices) else f"choice {index + 1}"
            results.append(QuestionResult(deck_id, question_id, prompt, len(given),
                                          sum(correct for _, correct in given), wrong_text,
                                          top[0][1] if top else 0))
        results.sort(key=lambda r: (r.share_right, -r.answered, r.deck, r.question))
        return tuple(results)

    def _participants(self, answers: list[tuple[str, str, str, int, int]],
                      seen: list[tuple[str, str, int, str, str]],
                      spans: list[tuple[str, str, str]],
                      best: list[tuple[str, int, int]]) -> tuple[ParticipantResult, ...]:
        first: dict[tuple[str, str, str], int] = {}
        for participant, deck, question, _, correct in answers:
            first.setdefault((participant, deck, question), correct)
        answered: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for (participant, _, _), correct in first.items():
            answered[participant] += 1
            right[participant] += correct
        times: dict[str, list[str]] = defaultdict(list)
        slides_seen: Counter[str] = Counter()
        slides_total: Counter[str] = Counter()
        sizes = {deck.id: len(deck.slides) for deck in self.library.decks}
        for participant, deck_id, count, first_at, last_at in seen:
            slides_seen[participant] += count
            slides_total[participant] += sizes.get(deck_id, count)
            times[participant] += [first_at, last_at]
        for participant, first_at, last_at in spans:
            times[participant] += [first_at, last_at]
        best_of = {participant: (r, t) for participant, r, t in best}  # ordered: best wins
        people = sorted(set(times) | set(answered))
        return tuple(ParticipantResult(
            name, answered[name], right[name], best_of.get(name),
            _seconds(min(times[name]), max(times[name])) if times[name] else 0.0,
            slides_seen[name], slides_total[name]) for name in people)


def read_room(room_dir: Path, content_dir: Path, check: bool = False) -> RoomResults:
    reader = RoomReader(room_dir, load_library(content_dir))
    try:
        return reader.read(check=check)
    except sqlite3.Error as exc:
        raise RoomUnavailable(f"cannot read {reader.room_dir / FILE_NAME}: {exc}") from exc
    finally:
        reader.close()

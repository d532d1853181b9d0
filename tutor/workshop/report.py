"""`dltutor report`: the room's results as text, CSV or JSON (no Textual)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from tutor.content.inert import inert, strip_controls
from tutor.workshop.results import ParticipantResult, QuestionResult, RoomResults


def share_bar(share: float, width: int, ascii: bool = False) -> str:
    """A bar `width` cells wide filled to `share` (0..1), in eighths of a cell."""
    share = min(max(share, 0.0), 1.0)
    if ascii:
        filled = round(share * width)
        return "#" * filled + "." * (width - filled)
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    return bar + " " * (width - len(bar))


def duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def _clip(text: str, width: int) -> str:
    text = " ".join(inert(text).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def score(p: ParticipantResult) -> str:
    return f"{p.right}/{p.answered}" if p.answered else "-"


def best(p: ParticipantResult) -> str:
    return f"{p.best[0]}/{p.best[1]}" if p.best else "-"


def wrong(q: QuestionResult) -> str:
    return f"{q.wrong_choice} ({q.wrong_count})" if q.wrong_choice else "-"


def as_text(room: RoomResults, width: int = 100) -> str:
    out = io.StringIO()
    # Deck texts, ids and names from the database go to a terminal: inert.
    integrity = f", database integrity: {inert(room.integrity)}" if room.integrity else ""
    out.write(f"Room {inert(str(room.room_dir))}: {len(room.participants)} participant(s), "
              f"{room.answers} answer(s){integrity}\n\n")
    out.write("Questions, most missed first (each participant's first answer counts)\n")
    if not room.questions:
        out.write("  no answers yet\n")
    text_w = max(30, width - 22)
    for q in room.questions:
        out.write(f"  {q.share_right:4.0%} right  {q.right:>3}/{q.answered:<3}  "
                  f"{_clip(q.prompt, text_w)}\n")
        detail = f"{q.deck}/{q.question}"
        if q.wrong_choice:
            detail += f" · most chosen wrong: {wrong(q)}"
        out.write(f"  {'':20}{_clip(detail, text_w)}\n")
    out.write("\nParticipants\n")
    if not room.participants:
        out.write("  nobody yet\n")
    else:
        out.write(f"  {'nickname':<32} {'score':>7} {'best':>7} {'time':>8}  slides seen\n")
    for p in room.participants:
        out.write(f"  {inert(p.nickname):<32} {score(p):>7} {best(p):>7} {duration(p.seconds):>8}  "
                  f"{p.slides_seen}/{p.slides_total}\n")
    return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t")
"""What makes a spreadsheet read a cell as a formula (OWASP's CSV injection list)."""


def csv_cell(text: str) -> str:
    """A text cell: no control characters, and never read as a formula (a
    leading apostrophe, which spreadsheets show as text)."""
    text = strip_controls(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_csv(room: RoomResults) -> str:
    """Two tables one after the other, each with its header row; text cells
    pass `csv_cell` (decks and names come from outside, and CSV files are
    opened in spreadsheets)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["deck", "question", "prompt", "answered", "right", "share_right",
                     "most_chosen_wrong", "wrong_count"])
    for q in room.questions:
        writer.writerow([csv_cell(q.deck), csv_cell(q.question), csv_cell(q.prompt),
                         q.answered, q.right, f"{q.share_right:.3f}",
                         csv_cell(q.wrong_choice or ""), q.wrong_count])
    writer.writerow([])
    writer.writerow(["nickname", "answered", "right", "best", "seconds", "slides_seen",
                     "slides_total"])
    for p in room.participants:
        writer.writerow([csv_cell(p.nickname), p.answered, p.right, best(p) if p.best else "",
                         round(p.seconds), p.slides_seen, p.slides_total])
    return out.getvalue()


def _stripped(value: Any) -> Any:
    """`value` with control characters dropped from every string in it."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {key: _stripped(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_stripped(item) for item in value]
    return value


def as_json(room: RoomResults) -> str:
    """Everything, text without control characters (JSON would escape C0 ones,
    but not C1 controls or bidirectional overrides, which print as they are)."""
    data = {
        "room": str(room.room_dir), "answers": room.answers, "integrity": room.integrity,
        "questions": [dict(asdict(q), share_right=round(q.share_right, 4))
                      for q in room.questions],
        "participants": [asdict(p) for p in room.participants],
    }
    return json.dumps(_stripped(data), indent=2, ensure_ascii=False) + "\n"

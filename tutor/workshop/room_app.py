"""`dltutor room`: the instructor's live, read-only view of the room's answers.

A worker thread owns the database connection and polls `PRAGMA data_version`
(cheap: no read unless another connection committed); the UI thread only
renders what it posts.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Static

from tutor.content import load_library
from tutor.content.inert import inert
from tutor.workshop.report import best, duration, score, share_bar
from tutor.workshop.results import RoomReader, RoomResults, RoomUnavailable

BAR_WIDTH = 20


def questions_view(room: RoomResults, ascii: bool = False) -> RenderableType:
    """Per question, most missed first: a bar of the share right and the usual wrong answer.
    Prompts, choices, ids and names come from decks and the database: inert."""
    if not room.questions:
        return Text("No answers yet: they appear here as participants answer.", style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)  # the prompt wraps under itself, not under the bar
    for q in room.questions:
        style = "green" if q.share_right >= 0.8 else "yellow" if q.share_right >= 0.5 else "red"
        filled = share_bar(q.share_right, BAR_WIDTH, ascii).rstrip()
        bar = Text.assemble((filled, style), ("." * (BAR_WIDTH - len(filled)), "dim"))
        prompt = Text(" ".join(inert(q.prompt).split()))
        if q.wrong_choice:
            prompt.append(f"\nmost chosen wrong: {inert(q.wrong_choice)} ({q.wrong_count})",
                          style="dim")
        grid.add_row(bar, Text(f"{q.share_right:.0%}", style="bold"),
                     Text(f"{q.right}/{q.answered}", style="dim"), prompt)
    return grid


def participants_view(room: RoomResults) -> RenderableType:
    if not room.participants:
        return Text("Nobody has connected yet.", style="dim")
    lines = [Text(f"{'nickname':<20} {'score':>6} {'best':>6} {'time':>8}  slides", style="bold")]
    lines += [Text(f"{inert(p.nickname):<20} {score(p):>6} {best(p):>6} {duration(p.seconds):>8}  "
                   f"{p.slides_seen}/{p.slides_total}") for p in room.participants]
    return Group(*lines)


class RoomApp(App[None]):
    CSS_PATH = "room.tcss"
    TITLE = "dltutor room"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("q", "quit", "Quit"), Binding("ctrl+c", "quit", "Quit", show=False)]
    POLL_SECONDS = 1.0

    class Changed(Message):
        """New figures from the database (replaces an unhandled older one)."""

        def __init__(self, results: RoomResults | None, problem: str | None = None) -> None:
            super().__init__()
            self.results = results
            self.problem = problem

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, RoomApp.Changed)

    def __init__(self, room_dir: Path, content_dir: Path) -> None:
        super().__init__()
        self.room_dir = Path(room_dir)
        self.content_dir = content_dir
        self.results: RoomResults | None = None
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        yield Static(inert(f"dltutor room · {self.room_dir} · reading..."), id="room-summary",
                     classes="bar", markup=False)
        with VerticalScroll(id="room-body"):
            yield Static("Questions, most missed first (first answers)", classes="heading")
            yield Static("", id="room-questions")
            yield Static("Participants", classes="heading")
            yield Static("", id="room-participants")
        yield Footer()

    def on_mount(self) -> None:
        self.watch_room()

    def on_unmount(self) -> None:
        self._stop.set()

    @work(thread=True, exclusive=True, name="dltutor-room")
    def watch_room(self) -> None:
        try:
            reader = RoomReader(self.room_dir, load_library(self.content_dir))
        except RoomUnavailable as exc:
            self.post_message(self.Changed(None, str(exc)))
            return
        try:
            while not self._stop.is_set():
                try:
                    if reader.changed():
                        self.post_message(self.Changed(reader.read()))
                except Exception as exc:  # a busy or damaged file: say so, keep polling
                    self.post_message(self.Changed(None, f"cannot read the room: {exc}"))
                self._stop.wait(self.POLL_SECONDS)
        finally:
            reader.close()

    def on_room_app_changed(self, message: Changed) -> None:
        summary = self.query_one("#room-summary", Static)
        if message.results is None:
            summary.update(inert(f"dltutor room · {message.problem}"))
            return
        room = self.results = message.results
        stamp = datetime.now().strftime("%H:%M:%S")
        summary.update(inert(f"dltutor room · {len(room.participants)} participant(s) · "
                             f"{room.answers} answer(s) · updated {stamp} · {room.room_dir}"))
        self.query_one("#room-questions", Static).update(questions_view(room))
        self.query_one("#room-participants", Static).update(participants_view(room))

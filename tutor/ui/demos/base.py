"""What every live demo shares: its trainers' lifetime, frames, status and keys.

A demo widget is built from the slide's typed `Demo` and mounted by the deck
screen when the slide is shown; it is removed when the slide is left, and
that stops every trainer it owns. Trainers talk to it only through their
`on_publish` callback, which posts a replaceable message from the worker
thread (a burst of snapshots collapses into the newest one); a frame timer at
the widget's `FPS` redraws only when a newer snapshot arrived or a key
changed something, so an idle demo sends nothing to the terminal.

Subclasses yield their parts from `compose_demo`, draw them in `draw`, and
call `redraw()` after a key changes what they show (the learner sees it at
once) or `changed()` to leave it to the next frame. Their keys are ordinary
`BINDINGS`, shown in the footer and `?`. A sketch:

    @register("lr-race")
    class LrRace(DemoWidget):
        FPS = 10
        BINDINGS = [Binding("space", "pause", "Pause / run")]

        def compose_demo(self) -> Iterable[Widget]:
            yield LinesView(id="curves")

        def start(self) -> None:            # once, when mounted
            for rate in self.demo.params["rates"]:
                self.own(Trainer(..., on_publish=self.publisher(str(rate)))).start()

        def draw(self) -> None:             # on the UI thread, at most FPS a second
            view = self.query_one("#curves", LinesView)
            view.set_lines(line_chart(series, view.size.width, view.size.height,
                                      self.graphics))
            self.show_status("0.3", "rate 0.3")

The display setting is `self.graphics` (a `tutor.viz.display.Display`):
`display` is taken by Textual (whether the widget is shown).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from tutor.content.demos import DEMOS, DemoSpec
from tutor.content.model import Demo
from tutor.events import record_event
from tutor.ui.demos.status import status_line
from tutor.ui.widgets.lines_view import LinesView
from tutor.viz.ascii import to_ascii
from tutor.viz.display import Display

if TYPE_CHECKING:
    from tutor.nn.snapshot import Snapshot


class Owned(Protocol):
    """What a demo needs of a trainer it owns (tutor.nn.trainer.Trainer)."""

    def stop(self) -> None: ...


T = TypeVar("T", bound=Owned)


class DemoWidget(Widget, can_focus=True):
    """Base of every demo; see the module docstring."""

    DEFAULT_CSS = """
    DemoWidget {
        width: 1fr;
        height: 1fr;
        layout: vertical;
    }
    DemoWidget > .demo-status {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $text-muted;
    }
    DemoWidget > .demo-verdict {
        height: auto;
        text-style: bold;
    }
    """

    FPS: ClassVar[float] = 10.0
    """Most frames a second (about 10 for curves, 4 for a decision boundary)."""
    LESSON_BY_KEYS: ClassVar[bool] = False
    """The lesson shows only once the learner has answered with keys (a
    questionnaire), not by watching; `dltutor bench --ui` presses keys at once."""
    HEIGHT: ClassVar[int] = 14
    """Rows the demo needs to be fully visible; the deck puts it under the
    slide's text only when both fit, else one key away."""
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        # The demo has the focus; without keys of its own, Up/Down still scroll the text.
        Binding("up", "scroll_text(-1)", "", show=False),
        Binding("down", "scroll_text(1)", "", show=False),
    ]

    class Published(Message, bubble=False):
        """A trainer of this demo published `snapshot` (posted from its thread)."""

        def __init__(self, source: str, snapshot: Snapshot) -> None:
            super().__init__()
            self.source = source
            self.snapshot = snapshot

        def can_replace(self, message: Message) -> bool:
            # A newer snapshot of the same trainer makes this one stale.
            return isinstance(message, DemoWidget.Published) and message.source == self.source

    class Ready(Message, bubble=False):
        """Work started with `prepare()` finished off the UI thread."""

        def __init__(self, result: object, error: BaseException | None) -> None:
            super().__init__()
            self.result = result
            self.error = error

    def __init__(self, demo: Demo, graphics: Display | None = None, *,
                 id: str | None = None) -> None:
        super().__init__(id=id, classes="demo")
        self.demo = demo
        self.spec: DemoSpec | None = DEMOS.get(demo.name)
        self.graphics = graphics or Display.detect()
        """Glyphs and colour to draw with (the app's; `display` is Textual's)."""
        self.ascii = self.graphics.ascii
        self.snapshots: dict[str, Snapshot] = {}
        """Newest snapshot of each owned trainer, by the name given to `publisher`."""
        self._trainers: list[Owned] = []
        self._versions: dict[str, int] = {}
        self._dirty = True
        self._lesson_shown = False
        self._lesson_pending = False
        self._view_sizes: list[tuple[int, int]] = []

    # -- parts ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from self.compose_demo()
        yield Static("", classes="demo-status", markup=False)
        yield Static("", classes="demo-verdict", markup=False)

    def compose_demo(self) -> Iterable[Widget]:
        """The demo's own widgets, above its status and verdict lines."""
        return ()

    def on_mount(self) -> None:
        if self.FPS > 0:
            self.set_interval(1 / self.FPS, self._frame, name="demo-frame")
        self.start()
        self.redraw()

    def start(self) -> None:
        """Build and start the demo's trainers (called once, when mounted)."""

    def on_unmount(self) -> None:
        self.stop_trainers()

    def on_resize(self) -> None:
        self.redraw()  # renderers draw for the size the layout gave (and on being shown)

    # -- trainers --------------------------------------------------------------

    def own(self, trainer: T) -> T:
        """Keep `trainer` until this widget unmounts, then stop it; returns it."""
        self._trainers.append(trainer)
        return trainer

    def publisher(self, source: str = "") -> Callable[[Snapshot], None]:
        """An `on_publish` callback for a trainer; its snapshots land in
        `self.snapshots[source]`. Safe to call from the worker thread."""

        def publish(snapshot: Snapshot) -> None:
            self.post_message(self.Published(source, snapshot))

        return publish

    def stop_trainers(self) -> None:
        """Ask every owned trainer to stop. Returns at once: the workers are
        daemon threads that end within one step; nobody waits on the UI thread."""
        trainers, self._trainers = self._trainers, []
        for trainer in trainers:
            trainer.stop()

    def on_demo_widget_published(self, message: Published) -> None:
        message.stop()
        if message.snapshot.version > self._versions.get(message.source, -1):
            self._versions[message.source] = message.snapshot.version
            self.snapshots[message.source] = message.snapshot
            self.published(message.source, message.snapshot)
            self._dirty = True

    def published(self, source: str, snapshot: Snapshot) -> None:
        """Hook: a newer snapshot arrived (drawing waits for the next frame)."""

    # -- work off the UI thread --------------------------------------------------

    def prepare(self, work: Callable[[], object]) -> None:
        """Run `work` (e.g. a first kernel compile) in a daemon thread; its result
        comes back as a `Ready` message handled by `ready()`. A daemon thread,
        not a Textual worker: a compile cannot be cancelled, and quitting must
        not wait for it."""
        def run() -> None:
            try:
                result, error = work(), None
            except Exception as exc:  # shown to the learner, never raised in the UI
                result, error = None, exc
            self.post_message(self.Ready(result, error))

        threading.Thread(target=run, name=f"dltutor-prepare-{self.demo.name}",
                         daemon=True).start()

    def on_demo_widget_ready(self, message: Ready) -> None:
        message.stop()
        self.ready(message.result, message.error)
        self.redraw()

    def ready(self, result: object, error: BaseException | None) -> None:
        """Hook: the work given to `prepare()` finished."""

    # -- frames ------------------------------------------------------------------

    def changed(self) -> None:
        """What the demo shows changed; the next frame redraws it."""
        self._dirty = True

    def redraw(self) -> None:
        """Draw now (after a key, so the learner sees its effect at once)."""
        self._dirty = False
        if self.is_attached:  # (is_mounted turns true only after on_mount)
            self._draw_unless_removed()
            # Text drawn here (a verdict wrapping onto a second line) can resize
            # the graphics just drawn; draw them again once for their new size.
            self._view_sizes = self._graphic_sizes()
            self.call_after_refresh(self._check_sizes)

    def _graphic_sizes(self) -> list[tuple[int, int]]:
        return [(v.size.width, v.size.height) for v in self.query(LinesView)]

    def _check_sizes(self) -> None:
        self._record_lesson()  # drawn while hidden: recorded once the screen shows it
        if self.is_attached and self._graphic_sizes() != self._view_sizes:
            self._view_sizes = self._graphic_sizes()
            self._dirty = False
            self._draw_unless_removed()

    def _frame(self) -> None:
        # Hidden (its slide's text shown instead): stay dirty, draw once shown.
        if self._dirty and self.is_on_screen:
            self.redraw()

    def _draw_unless_removed(self) -> None:
        """`draw()`, unless the demo is being taken down: keys read together can
        leave the slide while it starts, and a part it draws into is gone."""
        try:
            self.draw()
        except NoMatches:
            if not self._parts_gone():
                raise

    def _parts_gone(self) -> bool:
        return not self.is_attached or self._closing or self._closed or not self.children

    def draw(self) -> None:
        """Hand the current state to the demo's renderers (UI thread)."""

    # -- status and lesson ----------------------------------------------------------

    def plain(self, text: str) -> str:
        """`text` in ASCII when the app draws with ASCII only."""
        return to_ascii(text) if self.ascii else text

    def set_status(self, text: str) -> None:
        self.query_one(".demo-status", Static).update(Text(self.plain(text), style=""))

    def show_status(self, source: str = "", label: str = "") -> None:
        """The status line from the newest snapshot of trainer `source`."""
        snapshot = self.snapshots.get(source)
        self.set_status(status_line(snapshot, label) if snapshot else "starting")

    def lesson_visible(self, text: str) -> None:
        """The demo shows its lesson: `text` becomes its verdict line, and the
        first moment it is actually on screen is recorded (for `dltutor bench
        --ui`; a demo one key away from its text is not on screen yet)."""
        self.query_one(".demo-verdict", Static).update(Text(self.plain(text), style=""))
        self._lesson_pending = not self._lesson_shown
        self._record_lesson()

    def _record_lesson(self) -> None:
        if self._lesson_pending and self.is_on_screen:
            self._lesson_pending = False
            self._lesson_shown = True
            record_event("lesson", demo=self.demo.name)

    # -- keys ------------------------------------------------------------------------

    def action_scroll_text(self, rows: int) -> None:
        scroll = getattr(self.screen, "scroll_text", None)
        if scroll is not None:
            scroll(rows)


class Placeholder(DemoWidget, can_focus=False):
    """Stands in for a demo that is not built yet: says what it will show."""

    FPS = 0
    HEIGHT = 4
    DEFAULT_CSS = """
    Placeholder {
        height: auto;
        margin-top: 1;
    }
    Placeholder > .placeholder {
        height: auto;
        color: $text-muted;
        text-style: italic;
    }
    """

    def compose_demo(self) -> Iterable[Widget]:
        title = self.spec.title if self.spec else self.demo.name
        text = f"\u25b6 Live demo \u201c{title}\u201d: not in this version of dltutor yet."
        if self.spec:
            text += f"\nIt will show: {self.spec.summary}"
        yield Static(self.plain(text), classes="placeholder", markup=False)

    def compose(self) -> ComposeResult:
        yield from self.compose_demo()

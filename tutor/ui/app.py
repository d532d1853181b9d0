"""The dltutor Textual app (built by `tutor.ui.startup.make_app`)."""

from __future__ import annotations

import asyncio
import gc
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import RenderableType
from textual import events
from textual.binding import Binding
from textual.driver import Driver
from textual.geometry import Size
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.scrollbar import ScrollBarRender
from textual.timer import Timer

from tutor import locations
from tutor.content.inert import inert
from tutor.content.outline import DeckCard, DeckOutline
from tutor.options import AppOptions
from tutor.progress import ProgressStore
from tutor.ui import upstream
from tutor.ui.decks import Decks
from tutor.ui.navigation import ScreenNavigation
from tutor.ui.screens.base import MIN_HEIGHT, MIN_WIDTH
from tutor.ui.styles import SharedStylesheet
from tutor.ui.widgets.too_small import TooSmall
from tutor.viz.ascii import to_ascii
from tutor.viz.display import Display

if TYPE_CHECKING:
    from tutor.content import Deck, Library

# How keys are named in the footer and the help; arrows only without --ascii.
_KEY_NAMES = {"pageup": "PgUp", "pagedown": "PgDn", "escape": "Esc", "enter": "Enter",
              "home": "Home", "end": "End", "question_mark": "?", "f2": "F2"}
_ASCII_ARROWS = {"left": "<-", "right": "->", "up": "Up", "down": "Down"}


_EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)

upstream.apply()


class LibraryLoaded(Message):
    """The checked library replaced the outline the first screen was drawn from."""


class TutorApp(ScreenNavigation):
    # Every screen's styles, read once at start: a screen with a CSS_PATH of its
    # own makes Textual parse the whole stylesheet again when it first opens.
    CSS_PATH = ["app.tcss", "screens/deck.tcss", "screens/glossary.tcss"]
    TITLE = "dltutor"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("question_mark", "help", "Keys"),
        Binding("f2", "take_screenshot", "Screenshot", show=False),
    ]

    def __init__(self, options: AppOptions, library: Library | None, store: ProgressStore,
                 notice: str | None = None,
                 outline: tuple[DeckOutline, ...] | None = None) -> None:
        # Before App.__init__, which takes NO_COLOR out of the environment.
        self.graphics = Display.detect(ascii=options.ascii)
        """How live demos draw: glyphs and colour for this terminal."""
        super().__init__()
        # Styles parsed once per process (a fork server parses them before forking),
        # with the variables App.__init__ just computed for its own stylesheet.
        self.stylesheet = SharedStylesheet(variables=self.theme_variables)
        self.options = options
        self.decks = Decks(options.content_dir, library, outline)
        self.store = store
        self.notice = notice
        self.ascii = options.ascii
        self.rng = random.Random(options.seed)
        self._bars = (ScrollBarRender.VERTICAL_BARS, ScrollBarRender.HORIZONTAL_BARS)
        self._warmed: set[str] = set()
        self._warm_processes: list[subprocess.Popen[bytes]] = []
        """`dltutor warmup` processes started for the decks (ended with the app)."""
        self.last_deck: str | None = None
        """Id of the deck opened last in this session (the library highlights it)."""
        self._save_problem: str | None = None
        self._save_watch: Timer | None = None
        self._size_check: Timer | None = None
        self.crashed = False
        """True once Textual gave up on an unexpected error (the CLI then exits 1)."""
        self.exit_signal: int | None = None
        """The signal that ended the app (SIGTERM, SIGHUP, SIGQUIT), if one did."""
        self.ending = False
        """The app is closing: keys read with `q` (`q t` in one read) open nothing."""

    def get_driver_class(self) -> type[Driver]:
        """Textual's choice, except that its Linux driver becomes one that bytes
        which are not UTF-8 cannot end (see `tutor.ui.driver`)."""
        driver = super().get_driver_class()
        if driver.__name__ == "LinuxDriver":
            from tutor.ui.driver import LenientDriver

            if issubclass(LenientDriver, driver):
                return LenientDriver
        return driver

    # -- start-up and size ---------------------------------------------------

    def on_mount(self) -> None:
        self.set_class(self.ascii, "-ascii")
        if self.ascii:
            # Textual draws scrollbar ends with block characters (a class-wide
            # setting, restored when this app ends): plain spaces instead.
            ScrollBarRender.VERTICAL_BARS = [" "] * 8
            ScrollBarRender.HORIZONTAL_BARS = [" "] * 8
        if self.notice:
            self.notify(self.notice, title="Saved progress", severity="warning", timeout=10)
        self.check_size()
        self.call_after_refresh(self.first_frame_out)
        if not self.decks.loaded:  # check them once the first frame is out
            self.call_after_refresh(self.decks.load_in_background,
                                    lambda: self.post_message(LibraryLoaded()))
        if not self.is_headless:
            self._exit_on_signals()

    def first_frame_out(self) -> None:
        """The first frame is out. If the CLI held the cycle collector off to
        reach it sooner, it runs again; what exists now lives as long as the
        app, and is frozen so that later collections pass it by."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def _exit_on_signals(self) -> None:
        """SIGTERM, SIGHUP (the terminal or SSH link went away) and SIGQUIT end the
        app the normal way: the terminal is restored (main screen, cursor shown,
        mouse reporting off) and queued progress is written. A second signal
        takes the default action."""
        loop = asyncio.get_running_loop()

        def stop(signum: int) -> None:
            for other in _EXIT_SIGNALS:
                loop.remove_signal_handler(other)
            self.end_on_signal(signum)

        for signum in _EXIT_SIGNALS:
            loop.add_signal_handler(signum, stop, signum)

    def end_on_signal(self, signum: int) -> None:
        """End as the signal asks; the process then exits 128 + `signum`, whatever
        fails after (after a hang-up, restoring a terminal that is gone does)."""
        self.exit_signal = signum
        self.exit(return_code=128 + signum)

    def panic(self, *renderables: RenderableType) -> None:
        self.crashed = True
        super().panic(*renderables)

    def on_unmount(self) -> None:
        ScrollBarRender.VERTICAL_BARS, ScrollBarRender.HORIZONTAL_BARS = self._bars
        self.store.close()
        for process in self._warm_processes:  # a half-filled cache is finished next time
            if process.poll() is None:
                process.terminate()

    # -- the decks ----------------------------------------------------------

    @property
    def library(self) -> Library:
        """The checked decks (see `tutor.ui.decks`)."""
        return self.decks.library

    @property
    def library_loaded(self) -> bool:
        return self.decks.loaded

    @property
    def catalog(self) -> Sequence[DeckCard]:
        return self.decks.catalog

    def on_library_loaded(self, _message: LibraryLoaded) -> None:
        if self.decks.settle():
            from tutor.ui.screens.library import LibraryScreen

            for screen in self.screen_stack:
                if isinstance(screen, LibraryScreen):
                    screen.library_changed()

    @property
    def _background_screens(self) -> list[Screen[object]]:
        # Textual counts the screen under the current one as showing through
        # it even when the current one is opaque, as every tutor screen is
        # (dialogs are not). Such a screen is laid out again on each resize
        # and then has the current one repaint in full: every session began
        # with two redundant full frames, 11 KB each over SSH.
        if self.screen_stack and self.screen.styles.background.a == 1:
            return []
        return super()._background_screens

    @property
    def too_small(self) -> bool:
        width, height = self.size
        return width < MIN_WIDTH or height < MIN_HEIGHT

    def check_size(self) -> None:
        """Below the minimum size, show how big the terminal must be instead of
        the screen, close dialogs, and take no keys but quit until it grows."""
        too_small = self.too_small
        was_small = self.has_class("-too-small")
        self.set_class(too_small, "-too-small")
        self.screen.refresh_bindings()
        if not too_small:
            if was_small:
                self.screen.focus_next()
            return
        while isinstance(self.screen, ModalScreen):
            self.pop_screen()
        for notice in self.screen.query(TooSmall):
            notice.show_size(*self.size)
        self.screen.set_focus(None)

    def confirm_size_soon(self) -> None:
        """Once a burst of resizes is over, make sure the screen has the
        terminal's size. In a storm of resizes (a window dragged down to 1x1
        and back) the last size was sometimes never applied, leaving the app
        laid out, and refusing keys, for a size the terminal no longer had."""
        if self.is_headless:
            return
        if self._size_check is not None:
            self._size_check.stop()
        self._size_check = self.set_timer(0.25, self._confirm_size)

    def _confirm_size(self) -> None:
        self._size_check = None
        terminal = sys.__stdout__
        try:
            columns, rows = os.get_terminal_size(terminal.fileno() if terminal else 1)
        except (OSError, ValueError):  # no terminal (any more)
            return
        size = Size(columns, rows)
        if size != self.size:
            self.post_message(events.Resize(size, size))  # Textual's own way in
        elif size != self.screen.size:
            self.screen.post_message(events.Resize(size, size))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action == "quit" or not (self.too_small or self.ending)

    def exit(self, result: None = None, return_code: int = 0,
             message: RenderableType | None = None) -> None:
        self.ending = True
        super().exit(result, return_code, message)

    def save(self, write: Callable[[], object]) -> None:
        """Hand one change to saved progress (it returns at once: a writer thread
        stores it); if even that fails, say so and carry on rather than crash."""
        try:
            write()
        except (sqlite3.Error, OSError) as exc:
            self.notify(f"Progress could not be saved: {exc}", title="Saved progress",
                        severity="error", timeout=8)
        if self._save_watch is None:  # watched while writes wait; an idle app never wakes
            self._save_watch = self.set_interval(1.0, self.check_saving)

    def check_saving(self) -> None:
        """Tell the learner once when writes are held up, and once when they got through."""
        if not self.store.pending and self._save_problem is None and self._save_watch:
            self._save_watch.stop()
            self._save_watch = None
            return
        problem = self.store.problem if self.store.pending else None
        if problem and not self._save_problem:
            self.notify(f"Not saved yet ({problem}): {self.store.pending} change(s) wait and "
                        "are kept; dltutor keeps trying.", title="Saved progress",
                        severity="warning", timeout=10)
        elif self._save_problem and not self.store.pending:
            self.notify("Everything is saved now.", title="Saved progress", timeout=5)
        self._save_problem = problem

    def check_command(self) -> str:
        """The command that lists the problems of these decks."""
        default = locations.content_dir().resolve()
        folder = self.options.content_dir
        if folder.resolve() == default:
            return "dltutor check"
        import shlex  # only a broken deck asks: not imported before the first frame

        return f"dltutor check {shlex.quote(str(folder))}"

    def warm_engine(self, deck: Deck) -> None:
        """Compile the kernels of `deck`'s demos in the background, once per
        process and after the first frame, at low priority: a demo opened
        later finds them ready instead of saying "preparing the engine"."""
        if not self.options.warm_up or deck.id in self._warmed:
            return
        self._warmed.add(deck.id)
        names = [slide.demo.name for slide in deck.slides if slide.demo is not None]

        def start() -> None:  # importing the engine is not the UI thread's job either
            from tutor.nn.warmup import warm_demos

            process = warm_demos(names)
            if process is not None:
                self._warm_processes.append(process)

        threading.Thread(target=start, name="dltutor-warmup-start", daemon=True).start()

    def plain_text(self, text: str) -> str:
        """Text as the screen may show it: control characters made visible, ASCII if asked."""
        return inert(to_ascii(text) if self.ascii else text)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Notifications carry deck titles and file names: plain, inert text by default."""
        super().notify(self.plain_text(message), title=self.plain_text(title),
                       severity=severity, timeout=timeout, markup=markup)

    def get_key_display(self, binding: Binding) -> str:
        if binding.key_display:
            return binding.key_display
        if binding.key in _KEY_NAMES:
            return _KEY_NAMES[binding.key]
        if self.ascii and binding.key in _ASCII_ARROWS:
            return _ASCII_ARROWS[binding.key]
        return super().get_key_display(binding)

    def action_help(self) -> None:
        from tutor.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def offers(self, action: str) -> bool:
        """Whether the app's own `action` means anything in this session (the
        help lists only those): a workshop session saves no screenshots."""
        return action != "take_screenshot" or self.options.room_link is None

    def action_take_screenshot(self) -> None:
        """Save what the terminal shows as an SVG file and say where."""
        if self.options.room_link is not None:  # the server's disk: no participant may fill it
            self.notify("Screenshots are not available in a workshop session.",
                        title="Screenshot")
            return
        folder = self.options.screenshot_dir or Path.cwd()
        try:
            path = self.save_screenshot(path=str(folder))
        except OSError as exc:
            self.notify(f"Screenshot not saved: {exc}", title="Screenshot", severity="error")
            return
        self.notify(path, title="Screenshot saved", timeout=6)

    async def action_quit(self) -> None:
        self.exit()

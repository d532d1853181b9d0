"""One deck, one slide at a time, with the slide's live demo beside or under it.

Where the demo goes depends on the terminal: beside the text from
`SIDE_BY_SIDE` columns, under it when both fit, otherwise one key (`d`)
away, taking the whole body so it is never cut or scrolled. The demo widget
is mounted when its slide is shown and removed when the slide is left,
which stops its trainers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from rich.console import RenderableType
from textual.binding import Binding
from textual.containers import Container
from textual.widget import Widget
from textual.widgets import Static

from tutor.content import Deck
from tutor.ui.screens.base import BAR_PADDING, TutorScreen
from tutor.ui.widgets.scroller import Scroller
from tutor.viz.cards import slide_body, slide_header
from tutor.viz.render_once import RenderedOnce

if TYPE_CHECKING:
    from tutor.ui.demos.base import DemoWidget

SIDE_BY_SIDE = 120
"""Narrowest terminal that shows a slide's text and demo side by side."""
TEXT_MAX_WIDTH = 104
"""Widest the text column grows (long lines are hard to read); as in app.tcss."""

Layout = Literal["none", "side", "stack", "toggle"]


class DeckScreen(TutorScreen):
    """Slides of `deck`. With `peek`, opened from the quiz: leaving returns there."""

    # Styled by deck.tcss, which the app reads at start (see TutorApp.CSS_PATH).
    BINDINGS = [
        Binding("right", "next", "Next"),
        Binding("left", "previous", "Back"),
        Binding("pagedown", "next", "Next", show=False),
        Binding("pageup", "previous", "Back", show=False),
        Binding("home", "first", "First slide", show=False),
        Binding("end", "last", "Last slide", show=False),
        # Named in the hint line, which says which of the two it shows now.
        Binding("d", "toggle_demo", "Demo / text", show=False),
        Binding("t", "contents", "Contents"),
        Binding("g", "glossary", "Terms"),
        Binding("l", "leave", "Library"),
        Binding("escape", "leave", "Library", show=False),
    ]
    EXTRA_KEYS = [("Up / Down / wheel", "scroll a long slide")]

    def __init__(self, deck: Deck, index: int = 0, peek: bool = False) -> None:
        super().__init__()
        self.deck = deck
        self.index = max(0, min(index, len(deck.slides) - 1))
        self.peek = peek
        self.layout_mode: Layout = "none"
        self.demo_shown = False
        """In the "toggle" layout: the demo, not the text, fills the body."""
        self._slide_text: RenderableType = ""
        self._demo: DemoWidget | None = None

    def compose_body(self) -> Iterable[Widget]:
        # The first slide's title and text are there from the start: set once
        # mounted, the title waited for one more layout, and the first frame
        # went out without it (a second full frame followed at once).
        slide = self.deck.slides[self.index]
        self._slide_text = RenderedOnce(slide_body(slide, self.tutor.ascii, demo_note=False))
        yield Static(self.tutor.plain_text(slide.title), id="slide-title", markup=False)
        with Container(id="slide-main"):
            with Scroller(id="slide-scroll"):
                yield Static(self._slide_text, id="slide-body")
            yield Container(id="demo-pane")
        yield Static("", id="slide-hint", markup=False)

    def on_mount(self) -> None:
        # Whether the text scrolls is known only after layout (a new slide, a
        # resize, the demo placed): the scroll hint follows the scrollbar.
        self.watch(self.query_one("#slide-scroll", Scroller), "show_vertical_scrollbar",
                   lambda _scrolls: self.show_hint(), init=False)
        self.show(self.index, built=True)
        self.call_after_refresh(self.tutor.warm_engine, self.deck)

    @property
    def demo(self) -> DemoWidget | None:
        """The live demo of the slide shown, if it has one."""
        return self._demo

    @property
    def demo_on_screen(self) -> bool:
        """The demo is drawn now (not one key away), so its keys act."""
        return self.layout_mode in ("side", "stack") or (
            self.layout_mode == "toggle" and self.demo_shown)

    def show(self, index: int, built: bool = False) -> None:
        """Show slide `index` (`built`: its title and text are on screen already)."""
        self.index = index
        slide = self.deck.slides[index]
        app = self.tutor
        self.show_header()
        if not built:
            self.query_one("#slide-title", Static).update(app.plain_text(slide.title))
            self._slide_text = RenderedOnce(slide_body(slide, app.ascii, demo_note=False))
            self.query_one("#slide-body", Static).update(self._slide_text)
            self.query_one("#slide-scroll", Scroller).scroll_home(animate=False)
        self._swap_demo()
        app.save(lambda: app.store.visit(self.deck.id, slide.id, resume=not self.peek))

    def show_header(self) -> None:
        """Section, deck, position and time left, shortened to the terminal's width."""
        where = "From the quiz" if self.peek else self.deck.title
        room = self.size.width - BAR_PADDING
        self.set_bar(*slide_header(self.deck, self.index, where, room))

    def _swap_demo(self) -> None:
        """Remove the last slide's demo (stopping its trainers) and mount this one's."""
        from tutor.ui.demos.base import Placeholder
        from tutor.ui.demos.registry import make_demo

        if self._demo is not None:
            self._demo.remove()
            self._demo = None
        demo = self.deck.slides[self.index].demo
        self.demo_shown = False
        if demo is not None:
            self._demo = make_demo(demo, self.tutor.graphics)
            # A demo not built yet is a note at the end of the text, scrolling with it.
            where = "#slide-scroll" if isinstance(self._demo, Placeholder) else "#demo-pane"
            self.query_one(where).mount(self._demo)
        self.place_demo()

    def place_demo(self) -> None:
        """Place text and demo for the terminal's size (on show and on resize)."""
        self.layout_mode = self.choose_layout()
        main = self.query_one("#slide-main")
        for mode in ("side", "stack", "toggle"):
            main.set_class(self.layout_mode == mode, f"-{mode}")
        self.set_class(self.layout_mode == "side", "-side")
        main.set_class(self.layout_mode == "toggle" and self.demo_shown, "-demo-shown")
        self.show_hint()
        self.refresh_bindings()
        if self.demo_on_screen:
            self._demo.focus()  # type: ignore[union-attr]
        else:
            self.query_one("#slide-scroll").focus()

    def choose_layout(self) -> Layout:
        if self._demo is None or not self._demo.can_focus:
            return "none"
        width, height = self.app.size
        if width >= SIDE_BY_SIDE:
            return "side"
        # Rows left for the slide once the bars, title, hint and paddings are drawn.
        title_rows = 2
        rows = height - 2 - title_rows - 1 - 1
        text_width = min(width, TEXT_MAX_WIDTH) - 4 - 1
        console = self.app.console
        options = console.options.update_width(max(text_width, 10))
        text_rows = len(console.render_lines(self._slide_text, options, pad=False))
        return "stack" if text_rows + type(self._demo).HEIGHT <= rows else "toggle"

    def size_changed(self) -> None:
        if self.is_mounted and self.query("#slide-main"):
            self.place_demo()
            self.show_header()

    def show_hint(self) -> None:
        """Put `hint()` on the hint line. The line keeps its row on a deck's
        slides even when empty: the text pane is then the same height whether
        or not it scrolls (what `dltutor check` measures), and showing the
        scroll hint cannot change whether the text scrolls."""
        hint = self.query_one("#slide-hint", Static)
        text = self.tutor.plain_text(self.hint())
        if str(hint.content) != text:
            hint.update(text)
        hint.display = not self.peek

    def text_scrolls(self) -> bool:
        """Whether the slide's text is longer than its pane, as last laid out
        (the pane shows its scrollbar exactly then)."""
        scroller = self.query_one("#slide-scroll", Scroller)
        return bool(scroller.display) and scroller.show_vertical_scrollbar

    def scroll_text(self, rows: int) -> None:
        """Scroll the slide's text (Up/Down when its demo has the keys)."""
        scroller = self.query_one("#slide-scroll", Scroller)
        if scroller.display:
            scroller.scroll_relative(y=rows, animate=False)

    def offers(self, action: str) -> bool:
        """Whether `action` means anything here (the help lists only those)."""
        return action != "toggle_demo" or self.layout_mode == "toggle"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.offers(action):
            return False
        return super().check_action(action, parameters)

    def action_toggle_demo(self) -> None:
        self.demo_shown = not self.demo_shown
        self.place_demo()

    def hint(self) -> str:
        """What the footer cannot say: keys it leaves out, and where the deck
        ends. A key the footer names is not named again here."""
        if self.peek:
            return ""  # the bar says "From the quiz"; the footer, how back
        parts: list[str] = []
        if self.layout_mode == "toggle":
            parts.append("d back to the text" if self.demo_shown else "d live demo")
        elif self.layout_mode in ("side", "stack"):
            parts.append("Tab text / demo")
        if self.layout_mode in ("none", "toggle") and self.text_scrolls():
            parts.append("↑ ↓ scroll")  # only when there is something to scroll to
        if self.index == len(self.deck.slides) - 1:
            parts.append("last slide: the quiz is next" if self.deck.questions
                         else "end of the deck")
        return " · ".join(parts)

    def action_next(self) -> None:
        if self.index < len(self.deck.slides) - 1:
            self.show(self.index + 1)
        elif not self.peek and self.deck.questions:
            self.tutor.open_quiz(self.deck)

    def action_previous(self) -> None:
        if self.index > 0:
            self.show(self.index - 1)

    def action_first(self) -> None:
        self.show(0)

    def action_last(self) -> None:
        self.show(len(self.deck.slides) - 1)

    def action_contents(self) -> None:
        from tutor.ui.screens.contents import ContentsScreen

        seen = self.tutor.store.seen(self.deck.id)

        def jump(index: int | None) -> None:
            if index is not None:
                self.show(index)

        self.app.push_screen(ContentsScreen(self.deck, self.index, seen), jump)

    def action_glossary(self) -> None:
        from tutor.ui.screens.glossary import GlossaryScreen

        self.app.push_screen(GlossaryScreen(self.deck), self._show_chosen)

    def _show_chosen(self, index: int | None) -> None:
        if index is not None:
            self.show(index)

    def action_leave(self) -> None:
        if self.peek:
            self.dismiss()
        else:
            self.tutor.go_library()


class PeekScreen(DeckScreen):
    """A deck's slides opened from the quiz; leaving returns to the question."""

    BINDINGS = [
        Binding("l", "leave", "Back to quiz"),
        Binding("escape", "leave", "Back to quiz", show=False),
    ]

    def __init__(self, deck: Deck, index: int = 0) -> None:
        super().__init__(deck, index, peek=True)

"""The demo base: trainers' lifetime, frames on new snapshots, status, layout."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static
from ui_helpers import FakeTrainer, screen_text, trainer_threads, wait_for_no_trainers, wait_until

from tutor.content.demos import parse_demo
from tutor.options import AppOptions
from tutor.ui.demos import registry
from tutor.ui.demos.base import DemoWidget, Placeholder
from tutor.ui.screens.deck import DeckScreen
from tutor.ui.screens.help import HelpScreen
from tutor.ui.screens.library import LibraryScreen
from tutor.ui.startup import make_app

Options = Callable[..., AppOptions]


class Counting(DemoWidget):
    """A demo with one fake trainer that counts its frames."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.frames: list[int] = []
        self.trainer: FakeTrainer | None = None

    def compose_demo(self) -> Iterable[Widget]:
        yield Static("counting", id="counting")

    def start(self) -> None:
        self.trainer = self.own(FakeTrainer(self.publisher("only"))).start()

    def draw(self) -> None:
        snapshot = self.snapshots.get("only")
        self.frames.append(snapshot.version if snapshot else -1)
        self.show_status("only", "fake")


class Host(App[None]):
    def __init__(self, widget: DemoWidget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


def test_published_snapshots_of_one_trainer_replace_each_other() -> None:
    a1 = DemoWidget.Published("a", object())  # type: ignore[arg-type]
    a2 = DemoWidget.Published("a", object())  # type: ignore[arg-type]
    b = DemoWidget.Published("b", object())  # type: ignore[arg-type]
    assert a1.can_replace(a2) and not a1.can_replace(b) and not a1.bubble


async def test_frames_follow_new_snapshots_and_unmount_stops_the_trainer() -> None:
    before = set(trainer_threads())
    widget = Counting(parse_demo("lr-race"))
    async with Host(widget).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: len(widget.frames) >= 3, what="three frames")
        drawn = widget.frames[1:]
        assert drawn == sorted(set(drawn)), "a frame redrew an old snapshot"
        assert "fake  step" in screen_text(pilot.app) and "running" in screen_text(pilot.app)
        # No newer snapshot, no frame.
        widget.trainer.stop()  # type: ignore[union-attr]
        assert widget.trainer is not None and widget.trainer.join(60)
        await pilot.pause()
        widget._frame()
        count = len(widget.frames)
        widget._frame()
        assert len(widget.frames) == count
        second = FakeTrainer(widget.publisher("other")).start()
        widget.own(second)
        await widget.remove()
        await wait_for_no_trainers(before)
        assert not second.alive


async def test_lesson_visible_shows_the_verdict_and_records_it_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = tmp_path / "events.jsonl"
    monkeypatch.setenv("DLTUTOR_EVENTS", str(events))
    widget = Counting(parse_demo("lr-race"))
    async with Host(widget).run_test(size=(80, 24)) as pilot:
        widget.lesson_visible("the middle rate wins")
        widget.lesson_visible("the middle rate wins")
        await pilot.pause()
        assert "the middle rate wins" in screen_text(pilot.app)
    lines = [json.loads(line) for line in events.read_text().splitlines()]
    assert len(lines) == 1 and lines[0]["event"] == "lesson" and lines[0]["demo"] == "lr-race"
    assert isinstance(lines[0]["t"], float)


def test_unbuilt_demos_get_a_placeholder_saying_what_they_will_show(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_module(name: str) -> None:  # as if the demo's module did not exist
        raise ModuleNotFoundError(name=name)

    monkeypatch.setattr(registry, "_WIDGETS", {})
    monkeypatch.setattr(registry, "_SCANNED", {"tutor.ui.demos"})
    monkeypatch.setattr(registry.importlib, "import_module", no_module)
    widget = registry.make_demo(parse_demo("decision-guide"))
    assert isinstance(widget, Placeholder) and not registry.is_built("decision-guide")


def test_register_refuses_names_without_a_spec() -> None:
    with pytest.raises(ValueError, match="unknown demo 'lr-rase'"):
        registry.register("lr-rase")


@pytest.fixture
def fake_lr_race(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture deck's `lr-race` slide shows the counting demo."""
    monkeypatch.setitem(registry._WIDGETS, "lr-race", Counting)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_deck_shows_the_demo_and_leaving_the_slide_stops_it(
        size: tuple[int, int], good_content: Path, options_for: Options,
        fake_lr_race: None) -> None:
    before = set(trainer_threads())
    app = make_app(options_for(good_content, deck="alpha", slide="a-long"))
    async with app.run_test(size=size) as pilot:
        deck = app.screen
        assert isinstance(deck, DeckScreen)
        await wait_until(pilot, lambda: deck.demo is not None and deck.demo.is_mounted)
        demo = deck.demo
        assert isinstance(demo, Counting)
        if size[0] >= 120:
            assert deck.layout_mode == "side"
            # Mounted is not yet laid out: the side-by-side regions follow a refresh later.
            await wait_until(pilot, lambda: demo.region.width > 0, what="the demo's layout")
            assert demo.region.x > deck.query_one("#slide-scroll").region.x
        else:
            assert deck.layout_mode in ("stack", "toggle")
        if deck.layout_mode == "toggle":
            assert demo.region.height == 0
            await pilot.press("d")
            assert not deck.query_one("#slide-scroll").display
        body = deck.query_one("#slide-main").region
        assert demo.has_focus and demo.region.height > 0
        assert body.contains_region(demo.region), "demo cut off"
        await wait_until(pilot, lambda: bool(demo.frames) and demo.frames[-1] > 0)
        await pilot.press("left")  # previous slide: no demo there
        await pilot.pause()
        assert deck.demo is None and not demo.is_attached
        await wait_for_no_trainers(before)
        assert deck.query_one("#slide-scroll").has_focus


@pytest.mark.parametrize("leave", ["l", "t", "q"])
async def test_every_way_off_the_slide_stops_the_demo(
        leave: str, good_content: Path, options_for: Options, fake_lr_race: None) -> None:
    before = set(trainer_threads())
    app = make_app(options_for(good_content, deck="alpha", slide="a-long"))
    async with app.run_test(size=(120, 40)) as pilot:
        deck = app.screen
        assert isinstance(deck, DeckScreen)
        await wait_until(pilot, lambda: deck.demo is not None and deck.demo.is_mounted)
        await pilot.press(leave)
        if leave == "t":  # contents: jump to the first slide
            await pilot.press("home", "enter")
            assert deck.index == 0
        elif leave == "l":
            assert isinstance(app.screen, LibraryScreen)
        await pilot.pause()
    await wait_for_no_trainers(before)


async def test_unbuilt_demo_is_a_note_under_the_text(good_content: Path, options_for: Options,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "widget_class", lambda name: None)  # as if none were built
    app = make_app(options_for(good_content, deck="alpha", slide="a-long"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        deck = app.screen
        assert isinstance(deck, DeckScreen) and deck.layout_mode == "none"
        await pilot.press("end")
        deck.query_one("#slide-scroll").scroll_end(animate=False)
        await pilot.pause()
        assert "not in this version of dltutor yet" in screen_text(app)
        assert "It will show: The same model trained at several" in screen_text(app)


async def test_f2_saves_a_screenshot_and_help_lists_it(tmp_path: Path, good_content: Path,
                                                       options_for: Options) -> None:
    app = make_app(options_for(good_content, deck="alpha", screenshot_dir=tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        saved = list(tmp_path.glob("*.svg"))
        assert len(saved) == 1 and "<svg" in saved[0].read_text()[:2000]
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        lines = help_screen.key_lines()
        assert any(line.startswith("F2 ") and line.endswith("Screenshot") for line in lines)
        assert any(line.endswith("Next") for line in lines)
        assert not any("Demo / text" in line for line in lines)  # this slide has no demo


async def test_help_lists_the_demo_keys_while_the_demo_is_on_screen(
        good_content: Path, options_for: Options, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.binding import Binding

    class Keyed(Counting):
        BINDINGS = [Binding("p", "noop", "Pause the race")]

    monkeypatch.setitem(registry._WIDGETS, "lr-race", Keyed)
    app = make_app(options_for(good_content, deck="alpha", slide="a-long"))
    async with app.run_test(size=(120, 40)) as pilot:
        deck = app.screen
        assert isinstance(deck, DeckScreen)
        await wait_until(pilot, lambda: "Pause the race" in screen_text(app), what="footer")
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Pause the race" in screen_text(app)


async def test_a_demo_one_key_away_draws_nothing_until_shown(
        good_content: Path, options_for: Options, fake_lr_race: None) -> None:
    app = make_app(options_for(good_content, deck="alpha", slide="a-long"))
    async with app.run_test(size=(80, 24)) as pilot:
        deck = app.screen
        assert isinstance(deck, DeckScreen)
        await wait_until(pilot, lambda: isinstance(deck.demo, Counting) and deck.demo.snapshots)
        demo = deck.demo
        assert isinstance(demo, Counting) and deck.layout_mode == "toggle"
        frames = len(demo.frames)
        seen = demo.snapshots["only"].version
        await wait_until(pilot, lambda: demo.snapshots["only"].version >= seen + 20)
        assert len(demo.frames) == frames, "a hidden demo drew frames"
        await pilot.press("d")
        await wait_until(pilot, lambda: len(demo.frames) > frames and demo.frames[-1] > seen)


class Training(DemoWidget):
    """A demo owning a real engine trainer (logistic regression on blobs)."""

    FPS = 10

    def start(self) -> None:
        from tutor.nn.datasets import blobs
        from tutor.nn.models.logistic import LogisticRegression, LogisticRegressionConfig
        from tutor.nn.trainer import Trainer

        config = LogisticRegressionConfig(n_classes=3)
        self.trainer = self.own(Trainer(lambda seed: LogisticRegression(config, seed), blobs(),
                                        batch_size=32, steps_per_chunk=5, cpu_share=0.5,
                                        on_publish=self.publisher("run"), name="test"))
        self.trainer.start()

    def draw(self) -> None:
        self.show_status("run")


async def test_a_real_trainer_reports_and_ends_with_its_widget() -> None:
    before = set(trainer_threads())
    widget = Training(parse_demo("lr-race"))
    async with Host(widget).run_test(size=(80, 24)) as pilot:
        # A cold kernel cache compiles first (up to a minute on a busy machine).
        await wait_until(pilot, lambda: widget.snapshots.get("run") is not None
                         and widget.snapshots["run"].step > 0, timeout=240,
                         what="a training step")
        widget.redraw()
        await pilot.pause()
        assert "step " in screen_text(pilot.app) and "loss " in screen_text(pilot.app)
        assert set(trainer_threads()) - before
        await widget.remove()
        await wait_for_no_trainers(before)


class Lesson(Counting):
    def draw(self) -> None:
        super().draw()
        self.lesson_visible("the lesson")


async def test_the_lesson_is_recorded_when_it_is_on_screen_not_before(
        tmp_path: Path, good_content: Path, options_for: Options,
        monkeypatch: pytest.MonkeyPatch) -> None:
    events = tmp_path / "events.jsonl"
    monkeypatch.setenv("DLTUTOR_EVENTS", str(events))
    monkeypatch.setitem(registry._WIDGETS, "lr-race", Lesson)
    app = make_app(options_for(good_content, deck="alpha", slide="a-long"))
    async with app.run_test(size=(80, 24)) as pilot:
        deck = app.screen
        assert isinstance(deck, DeckScreen)
        await wait_until(pilot, lambda: isinstance(deck.demo, Lesson) and bool(deck.demo.frames))
        assert deck.layout_mode == "toggle"
        await pilot.pause()
        assert not events.exists(), "recorded while the slide's text hid the demo"
        await pilot.press("d")
        await wait_until(pilot, events.exists, what="the lesson event")
    assert len(events.read_text().splitlines()) == 1


def test_no_demo_hides_a_key_of_the_deck_or_the_app() -> None:
    """A demo has the focus, so a key it binds never reaches the slide: 'g'
    for grid search once hid the glossary on that slide."""
    from tutor.ui.app import TutorApp
    from tutor.ui.screens.help import class_bindings

    def keys(bindings: Iterable[object]) -> set[str]:
        return {key.strip() for b in bindings if isinstance(b, Binding)
                for key in b.key.split(",")}

    taken = keys(class_bindings(DeckScreen)) | keys(TutorApp.BINDINGS)
    for name in registry.DEMOS:
        widget = registry.widget_class(name)
        if widget is not None:
            assert not keys(class_bindings(widget)) & taken, name

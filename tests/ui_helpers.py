"""Small helpers for driving the app in tests.

`exercise_demo` is the one Pilot test every live demo gets: open its slide at
80x24 in colour and at 120x40 under NO_COLOR, show the demo, press its keys,
leave the slide, and check that no trainer thread outlives it.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from textual.app import App
from textual.pilot import Pilot

D = TypeVar("D")
TRAINER_THREAD = "dltutor-trainer"
SIZES = ((80, 24), (120, 40))
RUNS = (((80, 24), False), ((120, 40), True))
"""(size, NO_COLOR) of each run: both sizes and both colour modes, each seen
once (layout depends on the size, the NO_COLOR crash on neither)."""
WAIT_S = 60.0
"""Longest a test waits for something that should happen soon (busy CI machines)."""


def screen_text(app: App[Any]) -> str:
    """What the terminal shows now, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def trainer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(TRAINER_THREAD) and t.is_alive()]


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool],
                     timeout: float = WAIT_S, what: str = "condition") -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds
    (a guard against hangs, not a measure of speed)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await pilot.pause(0.05)


async def wait_for_no_trainers(before: Collection[threading.Thread] = (),
                               timeout: float = WAIT_S) -> None:
    """Every trainer thread not in `before` ended (they stop within a step once asked)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while left := [t for t in trainer_threads() if t not in before]:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"trainer threads still alive: {left}")
        await asyncio.sleep(0.05)


async def shown_demo(pilot: Pilot[Any], cls: type[D],
                     ready: Callable[[D], bool] | None = None) -> D:
    """The demo of the slide the app opened on, once it is mounted, has the
    keys, and (if given) `ready(demo)` holds, e.g. its kernel compiled."""
    from tutor.ui.screens.deck import DeckScreen

    deck = pilot.app.screen
    assert isinstance(deck, DeckScreen), f"app did not open a slide: {deck}"

    def shown() -> bool:
        demo = deck.demo
        return (isinstance(demo, cls) and demo.has_focus
                and (ready is None or ready(demo)))

    await wait_until(pilot, shown, what=f"{cls.__name__} to be ready")
    assert isinstance(deck.demo, cls)
    return deck.demo


async def exercise_demo(
    app_factory: Callable[[], App[Any]],
    keys: Sequence[str] = (),
    *,
    sizes: Sequence[tuple[int, int]] | None = None,
    no_color: Sequence[bool] | None = None,
    expect: str | None = None,
    settle: Callable[[Any], bool] | None = None,
) -> list[str]:
    """Open the app for each run of `RUNS` (or, given `sizes` or `no_color`,
    at every size in every colour mode of the two); bring the demo
    on screen (`d` where it is one key away), wait for `settle(demo)` if
    given, press `keys`, check `expect` is on screen, then leave the slide
    and wait until no trainer thread is left. `app_factory` builds an app
    that opens on the demo's slide, typically
    `lambda: make_app(options_for(deck="deep-learning", slide="softmax"))`.
    Returns the screen text seen after the keys, one per run."""
    screens: list[str] = []
    before = set(trainer_threads())
    runs: Sequence[tuple[tuple[int, int], bool]] = RUNS
    if sizes is not None or no_color is not None:
        runs = [(size, grey) for size in sizes or SIZES for grey in no_color or (False, True)]
    try:
        for size, grey in runs:
            if grey:
                os.environ["NO_COLOR"] = "1"  # each app takes it out of the environment
            else:
                os.environ.pop("NO_COLOR", None)
            app = app_factory()
            async with app.run_test(size=size) as pilot:
                screens.append(await _exercise_once(pilot, keys, expect, settle))
            await wait_for_no_trainers(before)
    finally:
        os.environ.pop("NO_COLOR", None)
    return screens


async def _exercise_once(pilot: Pilot[Any], keys: Sequence[str], expect: str | None,
                         settle: Callable[[Any], bool] | None) -> str:
    from tutor.ui.screens.deck import DeckScreen
    from tutor.ui.screens.library import LibraryScreen

    app = pilot.app
    deck = app.screen
    assert isinstance(deck, DeckScreen), f"app did not open a slide: {deck}"
    await wait_until(pilot, lambda: deck.demo is not None and deck.demo.is_mounted,
                     what="the demo to mount")
    demo = deck.demo
    assert demo is not None
    if deck.layout_mode == "toggle":
        await pilot.press("d")
    await pilot.pause()
    assert demo.region.height > 0 and demo.region.width > 0, "demo not visible"
    assert deck.query_one("#slide-main").region.contains_region(demo.region), "demo cut off"
    assert demo.has_focus, "the demo does not have the keys"
    if settle is not None:
        await wait_until(pilot, lambda: settle(demo), what="the demo to settle")
    for key in keys:
        await pilot.press(key)
        assert app.screen is deck, f"key {key!r} left the slide"
    await pilot.pause()
    demo.redraw()
    await pilot.pause()
    text = screen_text(app)
    if expect is not None:
        assert expect in text, f"{expect!r} not on screen at {app.size}:\n{text}"
    # Leave the slide: the demo must stop its trainers.
    await pilot.press("l")
    await pilot.pause()
    assert isinstance(app.screen, LibraryScreen) and not demo.is_attached
    return text


class FakeTrainer:
    """Stands in for `tutor.nn.trainer.Trainer` where a test needs a worker
    thread that publishes snapshots (losses falling 1/step) until stopped."""

    def __init__(self, on_publish: Callable[[Any], None] | None = None,
                 state: str = "running") -> None:
        self.on_publish = on_publish
        self.state = state
        self.published = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=TRAINER_THREAD, daemon=True)

    def start(self) -> FakeTrainer:
        self._thread.start()
        return self

    def _run(self) -> None:
        import numpy as np

        from tutor.nn.snapshot import Snapshot

        step = 0
        while not self._stop.wait(0.005):
            step += 1
            self.published = step
            steps = np.arange(1, step + 1)
            if self.on_publish is not None:
                self.on_publish(Snapshot(step=step, state=self.state,  # type: ignore[arg-type]
                                         loss_steps=steps, train_loss=1.0 / steps,
                                         version=step))

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

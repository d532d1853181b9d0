"""The cycle collector is held off from `dltutor`'s start to its first frame,
and runs again after it, whatever happens in between."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ui_helpers import wait_until

from tutor import cli
from tutor.options import AppOptions
from tutor.ui.startup import make_app

Options = Callable[..., AppOptions]


@pytest.fixture(autouse=True)
def collector_left_on() -> Iterator[None]:
    yield
    gc.enable()  # whatever a failing test left behind


@pytest.mark.parametrize("outcome", ["returns", "raises"])
def test_the_cli_holds_the_collector_off_while_it_starts_the_app(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, good_content: Path,
        outcome: str) -> None:
    seen: list[bool] = []

    def start(options: AppOptions) -> int:
        seen.append(gc.isenabled())
        if outcome == "raises":
            raise RuntimeError("the app failed")
        return 0

    monkeypatch.setattr(cli, "_start_app", start)
    argv = ["--state-dir", str(tmp_path / "state"), "--content", str(good_content)]
    if outcome == "raises":
        with pytest.raises(RuntimeError):
            cli.main(argv)
    else:
        assert cli.main(argv) == 0
    assert seen == [False]
    assert gc.isenabled()


async def test_the_app_turns_the_collector_on_once_its_first_frame_is_out(
        good_content: Path, options_for: Options) -> None:
    app = make_app(options_for(good_content))
    gc.disable()  # as the CLI leaves it
    frozen = gc.get_freeze_count()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, gc.isenabled)
        # What the start built lives as long as the app: later collections pass it by.
        assert gc.get_freeze_count() > frozen
        await pilot.press("q")
    gc.unfreeze()


async def test_an_app_started_with_the_collector_on_leaves_it_alone(
        good_content: Path, options_for: Options) -> None:
    app = make_app(options_for(good_content))
    frozen = gc.get_freeze_count()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert gc.isenabled() and gc.get_freeze_count() == frozen
        await pilot.press("q")

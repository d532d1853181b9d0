"""A library preloaded by the fork server is used only while no file under it changed."""

from __future__ import annotations

import shutil
from pathlib import Path

from tutor.content import load_library, preload


def test_an_unchanged_library_is_handed_out_as_preloaded(good_content: Path) -> None:
    preload.preload(good_content)
    first = preload.load(good_content)
    assert preload.load(good_content) is first
    assert first == load_library(good_content)


def test_an_edited_slide_is_read_again(good_content: Path) -> None:
    preload.preload(good_content)
    slide = good_content / "alpha" / "slides" / "010-s1.md"
    slide.write_text(slide.read_text().replace("Alpha slide 1", "Alpha slide one"))
    library = preload.load(good_content)
    assert library.get("alpha").slides[0].title == "Alpha slide one"


def test_a_deck_added_or_broken_since_is_seen(good_content: Path) -> None:
    preload.preload(good_content)
    shutil.copytree(good_content / "beta", good_content / "gamma")
    assert "gamma" in preload.load(good_content).ids()
    (good_content / "alpha" / "slides" / "020-s2.md").write_text("no front matter\n")
    library = preload.load(good_content)
    assert "alpha" not in library.ids() and "alpha" in library.broken()


def test_a_single_deck_folder_is_not_kept(good_content: Path) -> None:
    deck = good_content / "alpha"
    preload.preload(deck)
    assert preload.load(deck) is not preload.load(deck)
    assert preload.load(deck) == load_library(deck)


def test_nothing_preloaded_is_a_plain_load(good_content: Path) -> None:
    assert preload.load(good_content) == load_library(good_content)

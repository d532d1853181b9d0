"""Deck files of the wrong shape: named at file:line, never a hang or a traceback."""

from __future__ import annotations

import os
from pathlib import Path

from tutor.content import load_library
from tutor.content.files import MAX_FILE_BYTES


def _problems(root: Path) -> str:
    return "\n".join(str(p) for p in load_library(root).problems)


def test_a_fifo_slide_is_refused_without_waiting(good_content: Path) -> None:
    slide = good_content / "alpha" / "slides" / "020-s2.md"
    slide.unlink()
    os.mkfifo(slide)  # nobody writes to it: reading would wait forever
    assert f"{slide}:1: not a regular file" in _problems(good_content)


def test_a_slide_linked_to_an_endless_device_is_refused(good_content: Path) -> None:
    slide = good_content / "alpha" / "slides" / "020-s2.md"
    slide.unlink()
    slide.symlink_to("/dev/zero")
    assert f"{slide}:1: not a regular file" in _problems(good_content)


def test_a_huge_slide_is_refused(good_content: Path) -> None:
    slide = good_content / "alpha" / "slides" / "020-s2.md"
    with slide.open("a") as out:
        out.write("word " * (MAX_FILE_BYTES // 4))
    assert f"{slide}:1: file is" in _problems(good_content)
    library = load_library(good_content)
    assert [d.id for d in library.decks] == ["beta"]  # the others still load


def test_deeply_nested_toml_is_a_problem_not_a_crash(good_content: Path) -> None:
    deck = good_content / "alpha" / "deck.toml"
    deck.write_text(deck.read_text() + "deep = " + "[" * 5000 + "]" * 5000 + "\n")
    assert f"{deck}:1: bad TOML: tables or arrays nested too deeply" in _problems(good_content)


def test_bytes_that_are_not_utf8_are_named_with_their_line(good_content: Path) -> None:
    slide = good_content / "alpha" / "slides" / "010-s1.md"
    slide.write_bytes(slide.read_bytes().replace(b"point two", b"point \xff two"))
    assert f"{slide}:9: not UTF-8 text: byte 0xff" in _problems(good_content)


def test_minutes_must_be_a_real_number(good_content: Path) -> None:
    deck = good_content / "alpha" / "deck.toml"
    deck.write_text(deck.read_text().replace("minutes = 6", "minutes = inf")
                    .replace("minutes = 2", "minutes = nan"))
    problems = _problems(good_content)
    assert f"{deck}:3: deck field 'minutes' must be a number from 0 to" in problems
    assert f"{deck}:11: section field 'minutes' must be a number from 0 to" in problems


def test_a_deck_that_breaks_the_loader_is_listed_and_the_others_load(
        good_content: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tutor.content import loader

    real = loader.check_deck

    def flaky(folder: Path):  # type: ignore[no-untyped-def]
        if folder.name == "alpha":
            raise RuntimeError("something nobody foresaw")
        return real(folder)

    monkeypatch.setattr(loader, "check_deck", flaky)
    library = load_library(good_content)
    assert [d.id for d in library.decks] == ["beta"] and library.broken() == {"alpha"}
    assert "could not be loaded: RuntimeError: something nobody foresaw" in str(library.problems[0])

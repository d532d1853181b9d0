"""Reading a deck's files without trusting their shape.

Decks are passed around: a "slide" may be a FIFO (reading it would wait
forever), a link to /dev/zero (endless), or simply enormous. Only regular
files are read, and only up to a size far above any real deck's file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tutor.content.errors import Problem

MAX_FILE_BYTES = 512 * 1024
"""Largest deck file read (the biggest real one, a quiz bank, is about 20 KB)."""


class UnreadableFile(ValueError):
    """The file is not one a deck may contain; the message says why."""


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of regular file `path`, newlines normalised to "\\n".

    Raises FileNotFoundError, UnreadableFile (not a regular file, too big),
    UnicodeDecodeError or another OSError.
    """
    # O_NONBLOCK: opening a FIFO with no writer must not wait for one.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file (a folder, FIFO or device); decks hold "
                                 "plain text files only")
        if info.st_size > limit:
            raise UnreadableFile(f"file is {info.st_size:,} bytes; a deck file may have at most "
                                 f"{limit:,}")
        data = _read_up_to(fd, limit + 1, expected=info.st_size)
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while being read
        raise UnreadableFile(f"file is over {limit:,} bytes")
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _read_up_to(fd: int, most: int, expected: int) -> bytes:
    """At most `most` bytes from `fd`, straight from the descriptor: for a
    file of a few hundred bytes a buffered file object cost more than the
    read (a library's outline reads some fifty of them at start)."""
    chunks: list[bytes] = []
    size = 0
    want = min(expected + 1, most)  # one read for a file that did not change
    while size < most:
        chunk = os.read(fd, want)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        want = min(1 << 16, most - size)
    return b"".join(chunks)


def read_or_report(path: Path, problems: list[Problem]) -> str | None:
    """The file's text, or None with the reason added to `problems` at file:line."""
    try:
        return read_text(path)
    except FileNotFoundError:
        problems.append(Problem(path, 1, "file is missing"))
    except UnreadableFile as exc:
        problems.append(Problem(path, 1, str(exc)))
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        problems.append(Problem(path, line, f"not UTF-8 text: byte "
                                f"0x{exc.object[exc.start]:02x} cannot be read"))
    except OSError as exc:
        problems.append(Problem(path, 1, f"cannot read file: {exc.strerror or exc}"))
    return None

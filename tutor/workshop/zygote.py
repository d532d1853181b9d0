"""A fork server: one process that has imported Textual and the tutor's screens
forks each session's tutor, so a room connecting at once does not import
everything thirty times over.

The server talks to it over a Unix socket pair: a spawn request carries the
argument list, the environment and (as SCM_RIGHTS) the session's pty slave
and its link to the room writer; the answer is the child's pid, and later
its exit status. The zygote is single-threaded and imports nothing that
starts threads (no numba), so forking it is safe.

Run by the server as `python -m tutor.workshop.zygote FD`.
"""

from __future__ import annotations

import array
import fcntl
import gc
import json
import os
import random
import selectors
import signal
import socket
import sys
import termios
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.locations import ROOM_LINK_ENV

if TYPE_CHECKING:
    from textual.pilot import Pilot

MAX_MESSAGE = 1 << 20

PRELOAD = ("tutor.cli", "tutor.ui.app", "tutor.ui.startup", "tutor.ui.screens.library",
           "tutor.ui.screens.deck",
           "tutor.ui.screens.quiz", "tutor.ui.screens.help", "tutor.ui.screens.contents",
           "tutor.ui.screens.choose", "tutor.ui.screens.glossary", "tutor.ui.driver",
           "textual.drivers.linux_driver",
           # A slide is drawn with Rich's Markdown (with markdown-it and Pygments
           # behind it), imported when the first slide shows.
           "rich.markdown",
           # Every session loads numpy soon after its first screen (the demo
           # registry): loaded here, its pages are shared. BLAS is started with
           # one thread (the environment says so), so forking stays safe.
           "numpy", "tutor.ui.demos.base", "tutor.ui.demos.registry",
           # What Textual imports when an app runs.
           "textual.pilot", "textual.drivers.headless_driver")


MAX_FDS = 2
"""A spawn request carries the pty slave and, in a room, the link to the room writer."""


def send(sock: socket.socket, message: dict[str, object], fds: Sequence[int] = ()) -> None:
    data = json.dumps(message).encode()
    if not fds:
        sock.sendmsg([data])
    else:
        sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])


def receive(sock: socket.socket) -> tuple[dict[str, object] | None, list[int]]:
    """One message and the file descriptors that came with it, if any."""
    fds = array.array("i")
    data, ancillary, _, _ = sock.recvmsg(MAX_MESSAGE, socket.CMSG_SPACE(MAX_FDS * fds.itemsize))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
    return (json.loads(data) if data else None), list(fds)


def _become_session(slave: int, argv: list[str], env: dict[str, str],
                    link: int | None) -> None:
    """In the forked child: own session, the pty as controlling terminal and
    stdio, the session's own environment (with the room link's number, which
    only this process knows); then run dltutor as the CLI would."""
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    if slave > 2:
        os.close(slave)
    for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    os.environ.clear()
    os.environ.update(env)
    if link is not None:
        os.environ[ROOM_LINK_ENV] = str(link)
    random.seed()  # the parent's state is shared by every fork otherwise
    sys.stdin = sys.__stdin__ = open(  # type: ignore[misc]
        0, encoding="utf-8", errors="replace", closefd=False)
    sys.stdout = sys.__stdout__ = open(  # type: ignore[misc]
        1, "w", encoding="utf-8", closefd=False, buffering=1)
    sys.stderr = sys.__stderr__ = open(  # type: ignore[misc]
        2, "w", encoding="utf-8", closefd=False, buffering=1)
    from tutor.cli import main

    code = 1
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:
                pass
        os._exit(code)


def serve(sock: socket.socket) -> None:
    """Fork a session per request until the server closes its end."""
    waker_r, waker_w = os.pipe()
    os.set_blocking(waker_w, False)
    signal.set_wakeup_fd(waker_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wake the selector
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when we end
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ)
    selector.register(waker_r, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj is waker_r:
                os.read(waker_r, 512)
                _reap(sock)
                continue
            message, fds = receive(sock)
            if message is None:
                return
            if not fds:
                continue
            slave, link = fds[0], (fds[1] if len(fds) > 1 else None)
            pid = os.fork()
            if pid == 0:
                sock.close()
                os.close(waker_r)
                os.close(waker_w)
                _become_session(slave, list(message["argv"]),  # type: ignore[call-overload]
                                dict(message["env"]), link)  # type: ignore[call-overload]
            for fd in fds:
                os.close(fd)
            send(sock, {"id": message["id"], "pid": pid})


def _reap(sock: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        send(sock, {"exited": pid, "code": os.waitstatus_to_exitcode(status)})


def _draw_every_slide(root: Path) -> None:
    """Draw each slide once, unseen: what drawing imports on first use (Rich's
    Unicode width tables, Pygments' lexers for code blocks) is then loaded
    here, once, instead of in every session at its first slide."""
    import io

    from rich.console import Console

    from tutor.content.preload import load
    from tutor.viz.cards import slide_body

    console = Console(file=io.StringIO(), width=100, force_terminal=True)
    for deck in load(root).decks:
        for slide in deck.slides:
            for ascii in (False, True):
                console.print(slide_body(slide, ascii))


def _rehearse(root: Path) -> None:
    """Run the tutor once on each first screen a session may have (the
    library, each deck's first slide), headless and unseen: what Textual and
    Rich work out on first use (their caches, each widget's styles) is then
    done here once, instead of in every session; a forked session reached its
    first frame with a fifth less CPU. The runs keep their progress in a
    folder of their own, start no engine warm-up, and leave no thread behind:
    a process with threads must not fork."""
    import asyncio
    import tempfile

    from tutor.content.preload import load
    from tutor.options import AppOptions
    from tutor.ui.startup import make_app

    async def leave(pilot: Pilot[object]) -> None:
        await pilot.pause()
        pilot.app.exit()

    async def rehearse(options: AppOptions) -> None:
        app = make_app(options)
        try:
            await app.run_async(headless=True, size=(120, 30), auto_pilot=leave)
        finally:
            app.store.close()

    with tempfile.TemporaryDirectory(prefix="dltutor-rehearsal-") as state:
        for deck in (None, *(deck.id for deck in load(root).decks)):
            asyncio.run(rehearse(AppOptions(content_dir=root, state_dir=Path(state),
                                            participant="rehearsal", deck=deck,
                                            warm_up=False)))
    if threading.active_count() != 1:
        raise RuntimeError(f"{threading.active_count() - 1} thread(s) outlived the rehearsal")


def main() -> None:
    for name in PRELOAD:
        __import__(name)
    from tutor.content.preload import preload
    from tutor.locations import content_dir

    preload(content_dir())  # every session opens the same decks: read and checked once
    _draw_every_slide(content_dir())
    from tutor.ui.app import TutorApp
    from tutor.ui.styles import loaded_node_classes, preparse

    preparse(TutorApp, loaded_node_classes())  # and the same styles: parsed once
    try:
        _rehearse(content_dir())
    except Exception as exc:  # noqa: BLE001 - sessions only start slower without it
        print(f"dltutor fork server: rehearsal failed, sessions start without it: {exc!r}",
              file=sys.stderr)
        if threading.active_count() != 1:
            raise  # forking with threads is not safe: no fork server, then
    # What is loaded now is shared by every session for good: frozen, the
    # collector in each child never walks it, so its pages are not copied by
    # the reference counts a collection would touch.
    gc.collect()
    gc.freeze()
    sock = socket.socket(fileno=int(sys.argv[1]))
    send(sock, {"ready": os.getpid()})
    serve(sock)


if __name__ == "__main__":
    main()

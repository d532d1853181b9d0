"""Which kernel groups are ready in this process, and progress while they compile.

A *group* is a set of kernels that one model family needs (`tutor.nn.warmup`
lists them). Making a group ready means running its tiny specimens once:
numba compiles every kernel behind them, or loads it from the disk cache in
milliseconds. This module makes sure each group is made ready once per
process, by whichever thread asks first; other threads that need it wait
for that one and watch its progress.

Progress is counted per kernel: numba announces every function it compiles
(the "numba:compile" event, fired in the compiling thread, for callees too),
and a listener installed here credits it to the group the thread is
preparing. The number of kernels a group compiles from scratch is known
from measurement (`EXPECTED_COMPILES`); a group loaded from the cache
compiles nothing and simply turns ready.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping

Progress = tuple[int, int]  # (kernels ready, kernels needed)

_cond = threading.Condition()
_ready: set[str] = set()
_owner: dict[str, int] = {}  # group -> ident of the thread preparing it
_compiled: dict[str, int] = {}  # group -> kernels compiled so far
_local = threading.local()  # .group, .on_compile: what this thread prepares
_listening = False


def is_ready(group: str) -> bool:
    with _cond:
        return group in _ready


def progress(groups: Iterable[str], expected: Mapping[str, int]) -> Progress:
    """(kernels ready, kernels needed) over `groups`; monotonic, ends at (n, n)."""
    done = total = 0
    with _cond:
        for group in groups:
            need = max(expected.get(group, 1), 1)
            total += need
            done += need if group in _ready else min(_compiled.get(group, 0), need - 1)
    return done, total


def _on_kernel_compiled() -> None:
    """Listener body, in the compiling thread: credit the kernel to its group."""
    group = getattr(_local, "group", None)
    if group is None:
        return  # a compile outside any preparation (e.g. a float64 model)
    with _cond:
        _compiled[group] = _compiled.get(group, 0) + 1
        _cond.notify_all()
    report = getattr(_local, "on_compile", None)
    if report is not None:
        report()


def _listen() -> None:
    """Install the compile listener once; numba is imported here, not before."""
    global _listening  # noqa: PLW0603 - one listener per process
    with _cond:
        if _listening:
            return
        _listening = True
    try:
        from numba.core import event
    except ImportError:  # numba moved its event API: preparation works, without counts
        return

    class KernelCounter(event.Listener):  # type: ignore[misc]
        def on_start(self, event: object) -> None:
            pass

        def on_end(self, event: object) -> None:
            _on_kernel_compiled()

    event.register("numba:compile", KernelCounter())


def prepare(
    groups: Iterable[str],
    warm: Callable[[str], None],
    *,
    on_progress: Callable[[], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    poll_s: float = 0.25,
) -> bool:
    """Make every group ready, in this thread or by waiting for another.

    `warm(group)` runs the group's specimens. `on_progress()` is called (in
    this thread) whenever a kernel of these groups is compiled, here or
    elsewhere. Returns False if `should_stop()` turned true first (checked
    between kernels of other threads and between groups: a compile itself
    cannot be interrupted). Errors from `warm` propagate; the group stays
    unready so that a later call tries again.
    """
    _listen()
    for group in dict.fromkeys(groups):
        while True:
            if should_stop():
                return False
            with _cond:
                if group in _ready:
                    break
                mine = group not in _owner
                if mine:
                    _owner[group] = threading.get_ident()
                else:
                    _cond.wait(poll_s)  # another thread prepares it: follow along
            if mine:
                _warm_here(group, warm, on_progress)
            if on_progress is not None:
                on_progress()
        if on_progress is not None:
            on_progress()  # also for a group that was ready already
    return not should_stop()


def _warm_here(group: str, warm: Callable[[str], None], on_progress: Callable[[], None] | None
               ) -> None:
    outer = getattr(_local, "group", None), getattr(_local, "on_compile", None)
    _local.group, _local.on_compile = group, on_progress
    ok = False
    try:
        warm(group)
        ok = True
    finally:
        _local.group, _local.on_compile = outer
        with _cond:
            del _owner[group]
            if ok:
                _ready.add(group)
            _cond.notify_all()


def forget(groups: Iterable[str]) -> None:
    """Tests only: treat these groups as never prepared in this process."""
    with _cond:
        for group in groups:
            _ready.discard(group)
            _compiled.pop(group, None)

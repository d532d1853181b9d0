"""Work buffers per input shape, allocated once and reused.

Models preallocate every buffer a training step touches (no temporaries in
the hot loop), but the same model sees several batch shapes: the training
batch, the whole training set, the validation set, a plotting grid. A
`WorkspaceCache` keeps the buffers of the few most recently used shapes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Buffers = TypeVar("Buffers")

KEEP = 6
"""Shapes with live buffers. Between two training chunks the trainer uses up
to 5 (training batch, training set, validation set, inspection probe, grid):
with fewer slots, every evaluation would reallocate them all. One spare so a
one-off shape (a screen's own `predict`) does not evict one of those."""


class WorkspaceCache(Generic[Key, Buffers]):
    """`cache(key)` -> the buffers built by `build(key)`, least recently used dropped."""

    def __init__(self, build: Callable[[Key], Buffers], keep: int = KEEP) -> None:
        self._build = build
        self._keep = keep
        self._entries: OrderedDict[Key, Buffers] = OrderedDict()

    def __call__(self, key: Key) -> Buffers:
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = self._build(key)
            if len(self._entries) > self._keep:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        return entry

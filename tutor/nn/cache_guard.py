"""A damaged kernel cache file is a cache miss: the kernel is compiled again.

numba keeps each kernel's cache as pickles (an index and data files). If one
is truncated or overwritten (a full disk, a crash mid-write, a stray edit),
numba raises from the unpickling and the first call of that kernel fails,
which ends `dltutor warmup` and any demo. Here an unreadable index counts as
empty (numba then compiles and rewrites it whole) and an entry that cannot
be loaded as missing. Only numba's reading is wrapped; the code it runs once
loaded is unchanged. If numba renames these internals, nothing is wrapped
and its own behaviour remains.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


def _or_default(method: Callable[..., Any], default: Callable[[], Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception:  # noqa: BLE001 - any unpickling failure: treat as not cached
            return default()

    guarded.__dltutor_guarded__ = True  # type: ignore[attr-defined]
    return guarded


def install() -> None:
    """Wrap numba's cache reading once per process."""
    try:
        from numba.core import caching
    except ImportError:
        return
    for owner, name, default in ((caching.IndexDataCacheFile, "_load_index", dict),
                                 (caching.Cache, "load_overload", lambda: None)):
        method = getattr(owner, name, None)
        if method is not None and not getattr(method, "__dltutor_guarded__", False):
            setattr(owner, name, _or_default(method, default))

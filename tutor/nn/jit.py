"""The one place that imports numba and says how kernels are compiled.

Kernel modules do `from tutor.nn.jit import kernel` and decorate with
`@kernel`. Importing this module imports numba (about half a second), so
nothing on the path to the first screen may import it.
"""

from __future__ import annotations

import os
from pathlib import Path

from tutor.locations import private_cache
from tutor.nn.cache_folder import engine_cache_dir


# numba caches compiled kernels next to the source by default, which fails
# ("no locator available") when site-packages and HOME are read-only, as on a
# shared workshop server. Point it at a folder we know is writable.
if not os.environ.get("NUMBA_CACHE_DIR"):
    os.environ["NUMBA_CACHE_DIR"] = str(engine_cache_dir())
private_cache(Path(os.environ["NUMBA_CACHE_DIR"]))  # its pickles run code: refuse a shared one

import numba  # noqa: E402
import numba.extending  # noqa: E402
import numpy as np  # noqa: E402

from tutor.nn import cache_guard  # noqa: E402

cache_guard.install()  # a damaged cache file is compiled again, not fatal

# numba reads the variable when it is first imported; if something imported it
# earlier (the benchmark does), set its config too.
numba.config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]  # type: ignore[attr-defined]


def _prepare_numba() -> None:
    """Do numba's one-time set-up now rather than inside the first kernel call.

    Its first call of any kernel loads numba's numpy support and checks for
    BLAS through SciPy, about 0.25 s (measured). Whoever imports the engine
    ahead of time (the background warm-up, off the UI thread) then pays it
    there, and the first training step is immediate. Internal API: skip it
    if it moves.
    """
    try:
        from numba.core.registry import cpu_target

        cpu_target.target_context.refresh()
        import scipy.linalg.cython_blas  # noqa: F401  (what np.dot in kernels calls)
    except (ImportError, AttributeError):
        pass


_prepare_numba()


def kernel(fn):  # type: ignore[no-untyped-def]
    """Compile `fn` with numba: cached on disk, GIL released, exact maths.

    error_model="numpy": float division by zero gives inf/nan as in numpy
    instead of raising. Python's model puts a zero check before every
    division, which stops LLVM from vectorising any loop that divides
    (measured: a rational tanh over float32 ran at 3.6 ns/value, 0.7 without).
    """
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)


def inlined(fn):  # type: ignore[no-untyped-def]
    """A helper called only from kernels, pasted into each caller by numba
    (inline="always") instead of being compiled as a function of its own.

    Every numba function costs a fixed ~0.2 s of cold compile and its caller
    re-optimises its code anyway; for helpers used by one or two kernels,
    inlining is cheaper (recurrent kernels: 7.3 -> 5.6 s cold). Shared
    helpers used by many kernels stay `@kernel` (compiled and cached once).
    """
    return numba.njit(inline="always", error_model="numpy")(fn)


def is_float64(array):  # type: ignore[no-untyped-def]
    """Inside kernels: True for a float64 array, as a compile-time constant.

    Kernels pick exact maths (float64, gradient checks) or fast approximations
    (float32 training) with `exact = is_float64(x)`. A flag computed at run
    time (e.g. from `x.itemsize`) kept LLVM from vectorising loops that branch
    on it (a GRU forward pass ran 7x slower); this constant folds away.
    """
    return array.dtype == np.float64


@numba.extending.overload(is_float64, jit_options={"cache": True})  # type: ignore[typeddict-unknown-key]
def _is_float64_typed(array):  # type: ignore[no-untyped-def]
    value = array.dtype == numba.types.float64  # decided once per compiled signature
    return lambda array: value

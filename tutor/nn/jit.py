"""The one place that imports numba and says how kernels are compiled.

Kernel modules do `from tutor.nn.jit import kernel` and decorate with
`@kernel`. Importing this module imports numba (about half a second), so
nothing on the path to the first screen may import it.
"""

from __future__ import annotations

import os

from tutor.locations import kernel_cache_dir

# numba caches compiled kernels next to the source by default, which fails
# ("no locator available") when site-packages and HOME are read-only, as on a
# shared workshop server. Point it at a folder we know is writable.
if not os.environ.get("NUMBA_CACHE_DIR"):
    os.environ["NUMBA_CACHE_DIR"] = str(kernel_cache_dir())

import numba  # noqa: E402
import numba.extending  # noqa: E402
import numpy as np  # noqa: E402

numba.config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]


def kernel(fn):  # type: ignore[no-untyped-def]
    """Compile `fn` with numba: cached on disk, GIL released, exact maths.

    error_model="numpy": float division by zero gives inf/nan as in numpy
    instead of raising. Python's model puts a zero check before every
    division, which stops LLVM from vectorising any loop that divides
    (measured: a rational tanh over float32 ran at 3.6 ns/value, 0.7 without).
    """
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)


def is_float64(array):  # type: ignore[no-untyped-def]
    """Inside kernels: True for a float64 array, as a compile-time constant.

    Kernels pick exact maths (float64, gradient checks) or fast approximations
    (float32 training) with `exact = is_float64(x)`. A flag computed at run
    time (e.g. from `x.itemsize`) kept LLVM from vectorising loops that branch
    on it (a GRU forward pass ran 7x slower); this constant folds away.
    """
    return array.dtype == np.float64


@numba.extending.overload(is_float64, jit_options={"cache": True})
def _is_float64_typed(array):  # type: ignore[no-untyped-def]
    value = array.dtype == numba.types.float64  # decided once per compiled signature
    return lambda array: value

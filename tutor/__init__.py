"""dltutor: watch tiny neural networks learn, live, in your terminal."""

import os as _os

__version__ = "0.1.0"

# Every dltutor process runs its numerics on one thread: on a shared workshop
# server, BLAS or numba thread pools per session slow everyone down many times
# over. These must be set before numpy or numba is first imported.
for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
):
    _os.environ.setdefault(_var, "1")

"""Matrix multiplication by three loops, compiled: the "numba" contender of
the compute lesson, between a Python loop and numpy's BLAS.

Loop order i-k-j: the innermost loop runs along a row of B and a row of C,
both contiguous, so LLVM turns it into vector instructions; the textbook
i-j-k order would stride down a column of B instead. No blocking for the
caches and one thread: that is what BLAS adds on top.
"""

from __future__ import annotations

import numpy as np

from tutor.nn.jit import kernel


@kernel
def matmul(
    A: np.ndarray,  # (n, m)
    B: np.ndarray,  # (m, p)
    C: np.ndarray,  # (n, p) out: A @ B
) -> None:
    n, m = A.shape
    p = B.shape[1]
    for i in range(n):
        row = C[i]
        for j in range(p):
            row[j] = 0.0
        for k in range(m):
            a = A[i, k]
            b = B[k]
            for j in range(p):
                row[j] += a * b[j]

"""The learning engine: numba kernels, tiny models, toy datasets, a trainer.

Nothing here imports Textual. Importing this package is cheap: numba is
only imported when a kernel module is (see `tutor.nn.jit`).
"""

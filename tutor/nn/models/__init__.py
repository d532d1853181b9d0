"""Tiny models built on the kernels, all with the same API (see tutor.nn.base)."""

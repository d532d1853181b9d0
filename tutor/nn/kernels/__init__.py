"""Numba kernels: forward and backward of each layer, side by side."""

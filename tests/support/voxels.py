"""Tiny voxel grids for tests of the voxel measures."""
import numpy as np


def grid(*cells, size=4):
    """A [size, size, size, 1] grid in [-1, 1]: `cells` occupied (1), the rest empty (-1)."""
    v = -np.ones((size, size, size, 1), np.float32)
    for c in cells:
        v[c] = 1
    return v

"""Image helpers: [-1, 1] floats to uint8, sample grids, PNG files."""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image

from tfgan_zoo.files import write_atomic


# ITU-R BT.709 luminance weights (scikit-image's rgb2gray): the luminance
# that gray2photo's sources hold and pix2pix's `keep_luminance` keeps.
LUMA = (0.2125, 0.7154, 0.0721)


def luminance_uint8(images):
    """Luminance (LUMA) of uint8 RGB images as uint8 [..., 1]."""
    y = (np.asarray(images) / 255.0) @ np.array(LUMA)  # as rgb2gray computes it
    return np.clip(np.rint(y * 255), 0, 255).astype(np.uint8)[..., None]


def to_uint8(images):
    """Float images in [-1, 1] -> uint8 in [0, 255] (round to nearest)."""
    images = np.asarray(images, dtype=np.float32)
    return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype(np.uint8)


def make_grid(images, rows=None, padding=2):
    """Tile NHWC images in [-1, 1] into one uint8 HxWxC grid (C = 1 or 3)."""
    images = to_uint8(images)
    n, h, w, c = images.shape
    cols = int(math.ceil(math.sqrt(n))) if rows is None else int(math.ceil(n / rows))
    rows = int(math.ceil(n / cols))
    grid = np.full((rows * (h + padding) + padding, cols * (w + padding) + padding, c),
                   255, dtype=np.uint8)
    for i, image in enumerate(images):
        r, col = divmod(i, cols)
        top, left = padding + r * (h + padding), padding + col * (w + padding)
        grid[top:top + h, left:left + w] = image
    return grid


def save_grid(path, images, rows=None, scale=1):
    """Save a grid of images in [-1, 1] as a PNG, optionally upscaled."""
    grid = make_grid(images, rows)
    image = Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid)
    if scale > 1:
        image = image.resize((image.width * scale, image.height * scale),
                             Image.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    write_atomic(path, buffer.getvalue())
    return grid

"""Hole masks for inpainting, shared by the `inpaint` datasets and the
Context Encoder: the centred region, random rectangles (numpy, for data)
and random blocks drawn in the graph (for training). 1 / True = missing."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfgan_zoo.errors import UserError


def center_mask(height, width, fraction=0.5):
    """Boolean [H, W], True inside the centred hole of `fraction` x the
    image's sides (Pathak et al. 2016, §4: a 64x64 hole in a 128x128 image)."""
    if not 0 < fraction < 1:
        raise UserError(f"mask fraction must be in (0, 1), got {fraction}")
    hole_h, hole_w = max(1, round(height * fraction)), max(1, round(width * fraction))
    top, left = (height - hole_h) // 2, (width - hole_w) // 2
    mask = np.zeros((height, width), bool)
    mask[top:top + hole_h, left:left + hole_w] = True
    return mask


def random_block_masks(batch, height, width, seed, num_blocks=4):
    """[B, H, W, 1] float32 masks of `num_blocks` random, possibly overlapping
    rectangles each (Pathak et al. 2016, §3.3, "random block"), 1 = hole.

    Block sides are uniform in [side/8, side/(2 sqrt(num_blocks))], so the
    holes together cover at most a quarter of the image, as in the paper.
    `seed` is a stateless seed (shape [2]); the masks are a pure function of
    it, batch and size, and differ between examples."""
    batch = tf.convert_to_tensor(batch, tf.int32)
    limit = 1.0 / (2.0 * np.sqrt(num_blocks))

    def spans(size, stream):
        lo = max(1, size // 8)
        hi = max(lo, int(np.floor(size * limit)))
        u = tf.random.stateless_uniform([batch, num_blocks, 2],
                                        tf.random.experimental.stateless_fold_in(seed, stream))
        length = lo + tf.cast(tf.floor(u[..., 0] * (hi - lo + 1)), tf.int32)
        length = tf.minimum(length, hi)
        start = tf.cast(tf.floor(u[..., 1] * tf.cast(size - length + 1, tf.float32)), tf.int32)
        start = tf.minimum(start, size - length)
        index = tf.range(size)[None, None, :]
        return (index >= start[..., None]) & (index < (start + length)[..., None])

    rows, cols = spans(height, 0), spans(width, 1)      # [B, K, H], [B, K, W]
    blocks = rows[..., :, None] & cols[..., None, :]     # [B, K, H, W]
    return tf.cast(tf.reduce_any(blocks, axis=1), tf.float32)[..., None]


def random_masks(count, height, width, seed, max_fraction=0.5):
    """`count` boolean masks, each one rectangle of random size (a quarter to
    `max_fraction` of each side) at a random place; seeded."""
    rng = np.random.default_rng(seed)
    masks = np.zeros((count, height, width), bool)
    for m in masks:
        h = rng.integers(max(1, height // 4), max(2, int(height * max_fraction)) + 1)
        w = rng.integers(max(1, width // 4), max(2, int(width * max_fraction)) + 1)
        t, l = rng.integers(0, height - h + 1), rng.integers(0, width - w + 1)
        m[t:t + h, l:l + w] = True
    return masks

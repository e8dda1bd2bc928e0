"""Inpainting hole masks (tfgan_zoo.masks): the centred hole, random blocks
drawn in the graph, and random rectangles for the `inpaint:random` data."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.masks import center_mask, random_block_masks, random_masks


def test_center_mask_is_the_central_quarter():
    mask = center_mask(32, 32)
    assert mask.shape == (32, 32) and mask.dtype == bool
    assert mask.sum() == 16 * 16
    assert mask[8:24, 8:24].all() and mask[:8].sum() == mask[24:].sum() == 0
    assert center_mask(30, 20, fraction=0.5).sum() == 15 * 10
    with pytest.raises(UserError, match="fraction"):
        center_mask(8, 8, fraction=1.0)


def test_random_block_masks():
    masks = random_block_masks(64, 32, 32, seed=tf.constant([3, 4])).numpy()
    assert masks.shape == (64, 32, 32, 1) and set(np.unique(masks)) <= {0.0, 1.0}
    coverage = masks.mean(axis=(1, 2, 3))
    assert coverage.min() > 0 and coverage.max() <= 0.25
    assert len({m.tobytes() for m in masks}) == 64  # every example its own
    again = random_block_masks(64, 32, 32, seed=tf.constant([3, 4])).numpy()
    np.testing.assert_array_equal(masks, again)
    other = random_block_masks(64, 32, 32, seed=tf.constant([3, 5])).numpy()
    assert not np.array_equal(masks, other)
    # Block sides lie in [32/8, 32/4] = [4, 8]: a 4x4 block fits in every mask.
    rows = masks[..., 0].any(axis=2).sum(axis=1)
    assert rows.min() >= 4


def test_random_masks_are_one_seeded_rectangle_each():
    masks = random_masks(16, 16, 12, seed=5)
    assert masks.shape == (16, 16, 12) and masks.dtype == bool
    np.testing.assert_array_equal(masks, random_masks(16, 16, 12, seed=5))
    for m in masks:
        rows, cols = np.flatnonzero(m.any(1)), np.flatnonzero(m.any(0))
        # One filled rectangle, a quarter to half of each side.
        assert m.sum() == len(rows) * len(cols)
        assert 4 <= len(rows) <= 8 and 3 <= len(cols) <= 6

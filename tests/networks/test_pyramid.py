"""Pyramid ops: the Laplacian pyramid's collapse inverts its build exactly,
and the down/upsampling keep their shapes and constants."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.pyramid import (collapse, downsample, gaussian_pyramid,
                                        laplacian_pyramid, pyramid_sizes, upsample)


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
def test_build_then_collapse_reproduces_the_image(method):
    images = tf.constant(np.random.default_rng(0).uniform(-1, 1, (3, 32, 32, 3)), tf.float32)
    pyramid = laplacian_pyramid(images, 3, method=method)
    assert [p.shape[1] for p in pyramid] == [32, 16, 8]
    np.testing.assert_allclose(collapse(pyramid, method=method), images, atol=1e-6)


def test_levels_are_box_averages_and_upsampling_keeps_constants():
    images = tf.constant(np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1))
    low = downsample(images).numpy()[0, ..., 0]
    np.testing.assert_allclose(low, [[2.5, 4.5], [10.5, 12.5]])
    flat = tf.fill([2, 4, 4, 1], 0.3)
    for method in ("bilinear", "nearest"):
        np.testing.assert_allclose(upsample(flat, method=method), tf.fill([2, 8, 8, 1], 0.3),
                                   atol=1e-7)
    np.testing.assert_allclose(upsample(images, 2, "nearest")[0, :2, :2, 0], [[0, 0], [0, 0]])
    assert [g.shape[1] for g in gaussian_pyramid(images, 3)] == [4, 2, 1]


def test_bad_sizes_name_the_fix():
    assert pyramid_sizes(32, 3) == [32, 16, 8]
    with pytest.raises(UserError, match="--image-size divisible by 4"):
        pyramid_sizes(30, 3)
    with pytest.raises(UserError, match="unknown upsampling 'cubic'"):
        upsample(tf.zeros([1, 2, 2, 1]), method="cubic")

"""Progressive GAN's layers and schedule against hand computation:
equalized learning rate, pixel norm, minibatch stddev, the fades and the
level-of-detail schedule."""

import math

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.progan import (EqualizedConv2D, EqualizedDense, Fade, PixelNorm,
                                       fade_alpha, fade_images, level_of_detail,
                                       resolution_levels)


def test_equalized_layers_scale_unit_normal_weights_at_run_time():
    dense = EqualizedDense(3, gain=2.0)
    x = tf.ones([1, 4])
    y = dense(x)
    kernel = dense.kernel.numpy()
    np.testing.assert_allclose(y, kernel.sum(0, keepdims=True) * 2.0 / math.sqrt(4),
                               rtol=1e-5)
    conv = EqualizedConv2D(2, 3)
    conv(tf.zeros([1, 5, 5, 4]))
    assert conv.scale == pytest.approx(math.sqrt(2) / math.sqrt(3 * 3 * 4))
    big = EqualizedDense(512)
    big.build((None, 512))
    assert abs(big.kernel.numpy().std() - 1.0) < 0.01  # N(0, 1), not He-scaled


def test_pixel_norm_gives_unit_mean_square_per_pixel():
    x = tf.constant([[[[3.0, 4.0]]]])
    np.testing.assert_allclose(PixelNorm()(x), [[[[3.0, 4.0]]]] / np.sqrt(12.5), rtol=1e-6)


def test_fade_blends_new_and_old_by_the_level_of_detail():
    new, old = tf.fill([1, 2, 2, 1], 1.0), tf.fill([1, 2, 2, 1], 3.0)
    fade = Fade(level=1)
    for lod, expected in [(0.0, 1.0), (1.0, 1.0), (1.25, 1.5), (2.0, 3.0), (2.7, 3.0)]:
        out = fade([new, old, tf.fill([1, 1, 1, 1], lod)])
        np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_schedule_stabilizes_then_fades_and_alpha_rises_from_0_to_1():
    lod = lambda step: float(level_of_detail(step, 3, 10, 20))  # noqa: E731
    assert [lod(s) for s in (0, 9, 10)] == [3.0, 3.0, 3.0]
    assert lod(20) == pytest.approx(2.5) and lod(30) == 2.0
    assert lod(45) == pytest.approx(1.75) and lod(90) == 0.0 and lod(10_000) == 0.0
    alphas = [float(fade_alpha(level_of_detail(s, 3, 10, 20))) for s in range(10, 31)]
    # The new resolution's weight starts near 0 and reaches 1 (a stable lod).
    assert alphas[0] == 1.0 and alphas[1] == pytest.approx(0.05)
    assert alphas[-2] == pytest.approx(0.95) and alphas[-1] == 1.0
    assert all(a < b for a, b in zip(alphas[1:-1], alphas[2:-1]))


def test_real_images_fade_like_the_generator():
    x = tf.constant(np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 1)), tf.float32)
    low = tf.image.resize(tf.nn.avg_pool2d(x, 2, 2, "VALID"), [8, 8], "nearest")
    np.testing.assert_allclose(fade_images(x, 0.0, 1), x, atol=1e-6)
    np.testing.assert_allclose(fade_images(x, 1.0, 1), low, atol=1e-6)
    np.testing.assert_allclose(fade_images(x, 0.25, 1), 0.75 * x + 0.25 * low, atol=1e-6)


def test_resolutions_must_be_powers_of_two():
    assert resolution_levels(32, 4) == (5, 3)
    with pytest.raises(UserError, match="--image-size 32"):
        resolution_levels(28)
    with pytest.raises(UserError, match="--start-resolution 4"):
        resolution_levels(32, 6)

"""Sequence blocks: the LiteRT-safe normal CDF, the inverse-CDF draw and
the step-wise sampler."""

import numpy as np
import tensorflow as tf
from scipy.stats import norm

from tfgan_zoo.networks.sequence import TokenGenerator, inverse_cdf_sample, normal_cdf


def test_normal_cdf_matches_scipy():
    z = np.linspace(-6, 6, 241).astype(np.float32)
    np.testing.assert_allclose(normal_cdf(z).numpy(), norm.cdf(z), atol=2e-7)


def test_inverse_cdf_sample_is_categorical():
    logits = tf.math.log(tf.constant([[0.2, 0.3, 0.5]] * 4))
    u = tf.constant([0.1, 0.45, 0.55, 0.999999])
    np.testing.assert_array_equal(inverse_cdf_sample(logits, u).numpy(), [0, 1, 2, 2])
    many = inverse_cdf_sample(tf.math.log(tf.constant([[0.2, 0.3, 0.5]] * 20000)),
                              tf.random.stateless_uniform([20000], [1, 2]))
    np.testing.assert_allclose(np.bincount(many.numpy(), minlength=3) / 20000,
                               [0.2, 0.3, 0.5], atol=0.015)


def test_sampler_is_seeded_and_keeps_prefixes():
    generator = TokenGenerator(7, 4, 5)
    generator.logits(tf.zeros([1, 6], tf.int32))
    u = tf.random.stateless_uniform([3, 6], [0, 1])
    drawn = generator.sample(u)
    assert drawn.shape == (3, 6) and drawn.dtype == tf.int32
    np.testing.assert_array_equal(drawn, generator.sample(u))
    assert drawn.numpy().min() >= 0 and drawn.numpy().max() < 7
    prefix = tf.constant([[1, 2, 3, 4, 5, 6]] * 3)
    given = tf.constant([0, 2, 5])
    for completed in (generator.sample(u, prefix, given),
                      generator.sample(prefix=prefix, given=given, seed=[3, 4])):
        completed = completed.numpy()
        np.testing.assert_array_equal(completed[1, :2], [1, 2])
        np.testing.assert_array_equal(completed[2, :5], [1, 2, 3, 4, 5])
    # With u and no prefix, row 0 (given 0) is drawn exactly as without one.
    np.testing.assert_array_equal(generator.sample(u, prefix, given)[0], drawn[0])

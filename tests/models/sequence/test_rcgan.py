"""RCGAN: per-step noise and condition, a per-step discriminator whose loss
averages over the steps, and g_steps generator updates per D update."""

import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.models.sequence.rcgan import RCGAN
from tests.support.models import build, fit


def test_shapes_noise_per_step_and_the_time_averaged_loss():
    model = RCGAN(**RCGAN.test_config)
    model.build_networks()
    assert model.latent_dim == 5 * 2 and model.sample_shape == (5, 2)
    z = tf.random.stateless_normal([4, 10], [0, 1])
    labels = tf.constant([0, 1, 2, 0])
    series = model.generate(z, labels)
    assert series.shape == (4, 5, 2) and np.abs(series.numpy()).max() <= 1
    # The condition changes the series; noise of a later step leaves earlier steps alone.
    assert not np.allclose(series[0], model.generate(z[:1], tf.constant([1]))[0])
    later = z.numpy().copy()
    later[:, 6:] += 1.0  # steps 3 and 4's noise
    np.testing.assert_allclose(model.generate(tf.constant(later), labels)[:, :3], series[:, :3], atol=1e-6)
    logits = model.discriminate(series, labels)
    assert logits.shape == (4, 5, 1)
    per_step = tf.nn.sigmoid_cross_entropy_with_logits(tf.ones_like(logits), logits)
    np.testing.assert_allclose(losses.non_saturating_generator_loss(logits),
                               tf.reduce_mean(per_step), rtol=1e-6)


def test_g_steps_generator_updates_per_step():
    model = build("rcgan", g_steps=3)
    model.run_eagerly = True
    fit(model, steps=1)
    assert int(model.g_optimizer.iterations) == 3 and int(model.d_optimizer.iterations) == 1

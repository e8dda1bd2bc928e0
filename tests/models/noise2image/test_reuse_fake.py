"""`reuse_fake`: one generator forward pass serving both updates of a step
(pytorch/examples' DCGAN) gives the losses and weights of the two-pass
formulation of Algorithm 1 with one noise batch drawn for both updates."""

import numpy as np
import pytest
import tensorflow as tf
import keras

from tests.support.models import build
from tfgan_zoo.errors import UserError


def scalar(value):
    return float(np.ravel(value)[0])


def two_pass_step(model, real):
    """The reference formulation: G(z) for D's update, then G(z) again, on
    G's tape, for G's update through the updated D."""
    z = model.sample_noise(real.shape[0])
    fake = model.generate(z, None, training=True)
    with tf.GradientTape() as tape:
        d_loss, _ = model.critic_loss(real, fake)
    model.minimize(model.d_optimizer, tape, d_loss, model.discriminator)
    with tf.GradientTape() as tape:
        fake = model.generate(z, None, training=True)
        g_loss = model.generator_loss(model.discriminate(fake, None, training=True))
    model.minimize(model.g_optimizer, tape, g_loss, model.generator)
    return scalar(d_loss), scalar(g_loss)


def test_one_forward_pass_equals_two_with_the_same_noise():
    sgd = lambda: keras.optimizers.SGD(0.5)  # noqa: E731 - large steps show any difference
    ours = build("dcgan", optimizer=sgd, reuse_fake=True)
    reference = build("dcgan", optimizer=sgd)
    for network in ("generator", "discriminator"):
        getattr(reference, network).set_weights(getattr(ours, network).get_weights())
    real = tf.constant(np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 1)), tf.float32)
    logs = ours.train_step((real, tf.zeros(8, tf.int32)))
    d_loss, g_loss = two_pass_step(reference, real)
    np.testing.assert_allclose([scalar(logs["d_loss"]), scalar(logs["g_loss"])],
                               [d_loss, g_loss], rtol=1e-5)
    for network in ("generator", "discriminator"):
        for a, b in zip(getattr(ours, network).trainable_weights,
                        getattr(reference, network).trainable_weights):
            np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-5, err_msg=a.path)


def test_reuse_fake_needs_one_critic_step():
    with pytest.raises(UserError, match="--reuse-fake needs --n-critic 1"):
        build("wgan", reuse_fake=True)

"""`r1_gamma`: Mescheder et al.'s R1 penalty, (gamma / 2) E ||grad_x D(x)||^2
on the real batch, added to D's loss and to nothing else."""

import numpy as np
import pytest
import tensorflow as tf

from tests.support.models import build
from tfgan_zoo.errors import UserError


def linear_critic(model, weights):
    """Make D(x) = <w, x> + 1, whose input gradient is w for every example."""
    w = tf.constant(weights, tf.float32)
    model.discriminate = lambda images, labels=None, training=False: (
        tf.reduce_sum(images * w, axis=[1, 2, 3])[:, None] + 1.0)


def test_r1_penalty_of_a_linear_critic_is_its_squared_weight_norm():
    model = build("dcgan", r1_gamma=4.0)
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(1, 16, 16, 1))
    linear_critic(model, weights)
    real = tf.constant(rng.uniform(-1, 1, (6, 16, 16, 1)), tf.float32)
    fake = tf.constant(rng.uniform(-1, 1, (6, 16, 16, 1)), tf.float32)
    expected_penalty = float(np.sum(weights ** 2))
    assert float(model.r1_penalty(real)) == pytest.approx(expected_penalty, rel=1e-5)
    plain, _ = model.critic_loss(real, fake)
    total, _ = model.critic_objective(real, fake)
    # gamma / 2 * ||w||^2 on top of D's own loss
    assert float(total) - float(plain) == pytest.approx(2.0 * expected_penalty, rel=1e-5)


def test_without_r1_the_objective_is_the_loss():
    model = build("dcgan")
    assert model.r1_gamma is None
    real = tf.zeros((4, 16, 16, 1))
    fake = tf.ones((4, 16, 16, 1))
    linear_critic(model, np.ones((1, 16, 16, 1)))
    assert float(model.critic_objective(real, fake)[0]) == float(model.critic_loss(real, fake)[0])


@pytest.mark.parametrize("reuse_fake, every", [(False, 1), (True, 1), (True, 2)])
def test_a_step_with_r1_trains(reuse_fake, every):
    model = build("dcgan", r1_gamma=1.0, reuse_fake=reuse_fake, r1_every=every)
    real = tf.constant(np.random.default_rng(1).uniform(-1, 1, (8, 16, 16, 1)), tf.float32)
    logs = model.train_step((real, tf.zeros(8, tf.int32)))
    assert np.isfinite([float(np.ravel(logs[k])[0]) for k in ("d_loss", "g_loss", "r1_penalty")]).all()
    assert float(np.ravel(logs["r1_penalty"])[0]) > 0


def test_a_negative_gamma_is_refused():
    with pytest.raises(UserError, match="r1_gamma must be a number >= 0"):
        build("dcgan", r1_gamma=-1.0)


def test_lazy_r1_weights_every_nth_update_and_skips_the_others():
    model = build("dcgan", r1_gamma=4.0, r1_every=3)
    rng = np.random.default_rng(2)
    weights = rng.normal(size=(1, 16, 16, 1))
    linear_critic(model, weights)
    real = tf.constant(rng.uniform(-1, 1, (4, 16, 16, 1)), tf.float32)
    fake = tf.constant(rng.uniform(-1, 1, (4, 16, 16, 1)), tf.float32)
    plain = float(model.critic_loss(real, fake)[0])
    added = []
    for iteration in range(6):
        model.d_optimizer.iterations.assign(iteration)
        added.append(float(model.critic_objective(real, fake)[0]) - plain)
    full = 0.5 * 4.0 * 3 * float(np.sum(weights ** 2))
    np.testing.assert_allclose(added, [full, 0, 0, full, 0, 0], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("every, message", [(0, "r1_every must be a whole number >= 1"),
                                            (2.5, "--r1-every must be an integer")])
def test_r1_every_must_be_a_whole_number_from_one(every, message):
    with pytest.raises(UserError, match=message):
        build("dcgan", r1_gamma=1.0, r1_every=every)

"""`gp_every`: WGAN-GP's gradient penalty on every N-th critic update only,
weighted N times (lazy), and nothing on the others."""

import numpy as np
import pytest
import tensorflow as tf

from tests.support.models import build
from tfgan_zoo.errors import UserError


def added_by_penalty(model, real, fake):
    """D's loss minus its Wasserstein part, and the logged penalty."""
    total, logs = model.critic_loss(real, fake)
    return (float(total) + float(logs["wasserstein_estimate"]),
            float(logs["gradient_penalty"]))


def batches():
    rng = np.random.default_rng(3)
    return (tf.constant(rng.uniform(-1, 1, (4, 16, 16, 1)), tf.float32),
            tf.constant(rng.uniform(-1, 1, (4, 16, 16, 1)), tf.float32))


def test_lazy_penalty_is_weighted_on_every_nth_update_and_absent_otherwise():
    model = build("wgan_gp", gp_weight=10.0, gp_every=3)
    real, fake = batches()
    for iteration in range(6):
        model.d_optimizer.iterations.assign(iteration)
        added, penalty = added_by_penalty(model, real, fake)
        if iteration % 3 == 0:
            assert penalty > 0
            assert added == pytest.approx(10.0 * 3 * penalty, rel=1e-5)
        else:
            assert added == 0 and penalty == 0


def test_every_update_carries_the_plain_penalty_by_default():
    model = build("wgan_gp", gp_weight=10.0)
    real, fake = batches()
    for iteration in range(2):
        model.d_optimizer.iterations.assign(iteration)
        added, penalty = added_by_penalty(model, real, fake)
        assert penalty > 0 and added == pytest.approx(10.0 * penalty, rel=1e-5)


def test_a_lazy_one_critic_step_trains():
    model = build("wgan_gp", gp_every=2, n_critic=1, reuse_fake=True)
    real = tf.constant(np.random.default_rng(1).uniform(-1, 1, (8, 16, 16, 1)), tf.float32)
    for _ in range(2):
        logs = model.train_step((real, tf.zeros(8, tf.int32)))
        assert np.isfinite([float(np.ravel(logs[k])[0]) for k in ("d_loss", "g_loss")]).all()


@pytest.mark.parametrize("every, message", [(0, "gp_every must be a whole number >= 1"),
                                            (2.5, "gp.every must be a")])
def test_gp_every_must_be_a_whole_number_from_one(every, message):
    with pytest.raises(UserError, match=message):
        build("wgan_gp", gp_every=every)

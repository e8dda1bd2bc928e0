"""`r1_gamma`: Mescheder et al.'s R1 penalty, (gamma / 2) E ||grad_x D(x)||^2
on the real batch, added to D's loss and to nothing else."""

import numpy as np
import pytest
import tensorflow as tf

from tests.support.models import build, one_line_error
from tfgan_zoo.config import parse_args
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.dcgan import DCGAN
from tfgan_zoo.recipes.dcgan import RECIPE
from tfgan_zoo.registry import build_model

TINY = {"image_shape": (16, 16, 1), "latent_dim": 8, "ngf": 4, "ndf": 4}


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


def penalty_added(model, seed, iterations):
    """What R1 adds to D's loss at each of `iterations` (D updates done),
    with a linear critic of random weights, and ||weights||^2, the penalty
    that critic has on any input."""
    rng = np.random.default_rng(seed)
    weights = rng.normal(size=(1, 16, 16, 1))
    linear_critic(model, weights)
    real = tf.constant(rng.uniform(-1, 1, (4, 16, 16, 1)), tf.float32)
    fake = tf.constant(rng.uniform(-1, 1, (4, 16, 16, 1)), tf.float32)
    plain = float(model.critic_loss(real, fake)[0])
    added = []
    for iteration in iterations:
        model.d_optimizer.iterations.assign(iteration)
        added.append(float(model.critic_objective(real, fake)[0]) - plain)
    return added, float(np.sum(weights ** 2))


def test_lazy_r1_weights_every_nth_update_and_skips_the_others():
    model = build("dcgan", r1_gamma=4.0, r1_every=3)
    added, norm = penalty_added(model, 2, range(6))
    full = 0.5 * 4.0 * 3 * norm
    np.testing.assert_allclose(added, [full, 0, 0, full, 0, 0], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("every, message", [(0, "r1_every must be a whole number >= 1"),
                                            (2.5, "--r1-every must be an integer")])
def test_r1_every_must_be_a_whole_number_from_one(every, message):
    with pytest.raises(UserError, match=message):
        build("dcgan", r1_gamma=1.0, r1_every=every)


@pytest.mark.parametrize("gamma, own_start, start",
                         [(0.1, {}, 80), (0.0, {}, 80),
                          (0.1, {"decay_after_discriminator": 0.6}, 60)])
def test_decay_r1_gamma_weights_the_penalty_from_ds_decay_on(gamma, own_start, start):
    """`decay_r1_gamma`: gamma before D's decay starts (its rate's schedule,
    D update `start` of 100), the decay's gamma from there on, lazy or not."""
    model = build("dcgan", r1_gamma=gamma, r1_every=2, decay_r1_gamma=0.3, decay_after=0.8,
                  total_steps=100, **own_start)
    added, norm = penalty_added(model, 3, (start - 2, start - 1, start, start + 1, 100))
    early, late = 0.5 * gamma * 2 * norm, 0.5 * 0.3 * 2 * norm
    np.testing.assert_allclose(added, [early, 0, late, 0, late], rtol=1e-5, atol=1e-5)
    # D's rate starts falling at the same update
    schedule = model.d_optimizer._learning_rate
    assert float(schedule(start)) == float(schedule(0)) > float(schedule(start + 1))


def test_decay_r1_gamma_is_off_by_default_and_round_trips():
    args = parse_args(RECIPE, []).model_args
    assert args["decay_r1_gamma"] is None
    model = build_model("dcgan", **{**args, **TINY}, total_steps=17000)
    assert model.decay_r1_gamma is None and model.r1_weight() == 0.1
    args = parse_args(RECIPE, ["--decay-r1-gamma", "0.3"]).model_args
    assert args["decay_r1_gamma"] == 0.3
    model = DCGAN.from_config(build_model("dcgan", **{**args, **TINY},
                                          total_steps=17000).get_config())
    assert (model.r1_gamma, model.decay_r1_gamma, model.r1_decay_start) == (0.1, 0.3, 12750)


def test_bad_decay_r1_gamma_is_one_line():
    for bad in ({}, {"decay_after": 0.75, "decay_discriminator": False}):
        with pytest.raises(UserError) as excinfo:
            build_model("dcgan", **TINY, total_steps=100, decay_r1_gamma=0.3, **bad)
        one_line_error(excinfo, "--decay-r1-gamma weights R1 from where D's rate starts",
                       "--decay-after 0.75")
    for value in (-0.1, "more"):
        with pytest.raises(UserError) as excinfo:
            build_model("dcgan", **TINY, total_steps=100, decay_after=0.75,
                        decay_r1_gamma=value)
        one_line_error(excinfo, "--decay-r1-gamma is an R1 weight >= 0",
                       "--decay-r1-gamma 0.3")

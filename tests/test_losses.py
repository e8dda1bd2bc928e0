"""tfgan_zoo.losses against numbers worked out by hand with `math`/numpy, never by
the same TF formula: the adversarial losses, the gradient penalty, the KL term,
and the global-batch mean under tf.distribute. (Reconstruction losses:
test_losses_reconstruction.py; text losses: test_losses_text.py.)"""

import math

import numpy as np
import pytest
import tensorflow as tf

import tfgan_zoo
from tfgan_zoo import losses


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def mean(values):
    return sum(values) / len(values)


REAL = [0.0, 2.0, -1.0]
FAKE = [1.0, -2.0, 0.5]

# name -> (loss, hand value of one example from its real and fake logits r, f); *_d losses take (real, fake).
HAND = {
    "minimax_d": (losses.minimax_discriminator_loss,
                  lambda r, f: -math.log(sigmoid(r)) - math.log(1.0 - sigmoid(f))),
    "minimax_g": (losses.minimax_generator_loss, lambda r, f: math.log(1.0 - sigmoid(f))),
    "non_saturating_g": (losses.non_saturating_generator_loss, lambda r, f: -math.log(sigmoid(f))),
    "wasserstein_d": (losses.wasserstein_discriminator_loss, lambda r, f: f - r),
    "wasserstein_g": (losses.wasserstein_generator_loss, lambda r, f: -f),
    "least_squares_d": (losses.least_squares_discriminator_loss,
                        lambda r, f: 0.5 * (r - 1.0) ** 2 + 0.5 * f ** 2),
    "least_squares_g": (losses.least_squares_generator_loss, lambda r, f: 0.5 * (f - 1.0) ** 2),
    "hinge_d": (losses.hinge_discriminator_loss, lambda r, f: max(0.0, 1.0 - r) + max(0.0, 1.0 + f)),
    "hinge_g": (losses.hinge_generator_loss, lambda r, f: -f),
}


def call(name, real, fake, **kwargs):
    loss = HAND[name][0]
    return loss(real, fake, **kwargs) if name.endswith("_d") else loss(fake, **kwargs)


@pytest.mark.parametrize("name", sorted(HAND))
def test_loss_matches_hand_value(name):
    hand = HAND[name][1]
    got = call(name, tf.constant(REAL), tf.constant(FAKE))
    assert got.dtype == tf.float32 and got.shape == ()
    assert float(got) == pytest.approx(mean([hand(r, f) for r, f in zip(REAL, FAKE)]), abs=1e-6)


def test_hand_values_spelled_out():
    # minimax D at (r, f) = (0, 1): -log(1/2) - log(1 - sigmoid(1)) = log 2 + log(1 + e).
    got = losses.minimax_discriminator_loss(tf.constant([0.0]), tf.constant([1.0]))
    assert float(got) == pytest.approx(math.log(2.0) + math.log(1.0 + math.e), abs=1e-6)
    # hinge D at (r, f) = (0.5, -0.25): relu(0.5) + relu(0.75) = 1.25; at (2, -3): 0.
    got = losses.hinge_discriminator_loss(tf.constant([0.5, 2.0]), tf.constant([-0.25, -3.0]))
    assert float(got) == pytest.approx((1.25 + 0.0) / 2, abs=1e-6)
    # LSGAN with a = -1, b = 1, c = 0 (Mao et al. sec. 3.2.1): 0.5*(3-1)^2 + 0.5*(0+1)^2 = 2.5; G: 0.5*0^2.
    got = losses.least_squares_discriminator_loss(tf.constant([3.0]), tf.constant([0.0]), a=-1.0, b=1.0)
    assert float(got) == pytest.approx(2.5, abs=1e-6)
    assert float(losses.least_squares_generator_loss(tf.constant([0.0]), c=0.0)) == 0.0


@pytest.mark.parametrize("name", sorted(HAND))
def test_patch_logits_average_per_example_then_over_batch(name):
    hand = HAND[name][1]
    real = np.array([[0.0, 1.0, 2.0, -1.0], [-2.0, 0.5, 1.5, 3.0]], np.float32)  # B=2, 4 patches each
    fake = np.array([[1.0, -1.0, 0.0, 2.0], [-0.5, -3.0, 0.25, 1.0]], np.float32)
    per_example = [mean([hand(float(r), float(f)) for r, f in zip(rr, ff)]) for rr, ff in zip(real, fake)]

    seen = []

    def reduce(values):
        seen.append(values)
        return tf.reduce_mean(values)

    patches = lambda x: tf.reshape(tf.constant(x), [2, 2, 2, 1])  # noqa: E731  PatchGAN-shaped [B, H, W, 1]
    got = call(name, patches(real), patches(fake), reduce=reduce)
    assert seen[0].shape == (2,), "reduce must receive one value per example"
    np.testing.assert_allclose(seen[0].numpy(), per_example, atol=1e-6)
    assert float(got) == pytest.approx(mean(per_example), abs=1e-6)


def test_float16_logits_computed_in_float32():
    # log(1 + e^12) overflows nothing in float32; the result must come back float32 either way.
    got = losses.non_saturating_generator_loss(tf.constant([-12.0, 0.0], tf.float16))
    assert got.dtype == tf.float32
    assert float(got) == pytest.approx((math.log1p(math.exp(12.0)) + math.log(2.0)) / 2, abs=1e-5)


def test_one_sided_label_smoothing():
    # Salimans et al. 2016: real target 0.9, fake target stays 0.
    got = losses.minimax_discriminator_loss(tf.constant([2.0]), tf.constant([-1.0]), real_label=0.9)
    real_term = -(0.9 * math.log(sigmoid(2.0)) + 0.1 * math.log(1.0 - sigmoid(2.0)))
    hand = real_term - math.log(1.0 - sigmoid(-1.0))
    assert float(got) == pytest.approx(hand, abs=1e-6)


def test_non_saturating_gradient_survives_where_minimax_saturates():
    # A fake the discriminator rejects strongly (logit -10), as early in training (Goodfellow 2014 sec. 3).
    logit = tf.constant([-10.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(logit)
        saturating = losses.minimax_generator_loss(logit)
        non_saturating = losses.non_saturating_generator_loss(logit)
    d_saturating = float(tape.gradient(saturating, logit)[0])      # d/dl log(1 - s(l)) = -s(l)
    d_non_saturating = float(tape.gradient(non_saturating, logit)[0])  # d/dl -log s(l) = -(1 - s(l))
    assert d_saturating == pytest.approx(-sigmoid(-10.0), abs=1e-9)
    assert abs(d_saturating) < 1e-4
    assert d_non_saturating == pytest.approx(-(1.0 - sigmoid(-10.0)), abs=1e-6)


# ---- gradient penalty --------------------------------------------------------------------------

W = np.array([1.0, 2.0, 2.0, 4.0], np.float32).reshape(2, 2, 1)  # ||W|| = sqrt(1 + 4 + 4 + 16) = 5


def linear_critic(x):
    return tf.reduce_sum(W * x, axis=[1, 2, 3])


def quadratic_critic(x):  # gradient at x is x itself
    return 0.5 * tf.reduce_sum(tf.square(x), axis=[1, 2, 3])


def images(seed, batch=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(batch, 2, 2, 1)).astype(np.float32)


def hand_quadratic_gp(real, fake, alpha):
    alpha = np.asarray(alpha, np.float64).reshape(-1, 1, 1, 1)
    xhat = alpha * real + (1.0 - alpha) * fake
    norms = np.sqrt((xhat.astype(np.float64) ** 2).reshape(len(xhat), -1).sum(axis=1))
    return float(np.mean((norms - 1.0) ** 2))


def test_gradient_penalty_linear_critic_is_exact():
    # grad D = W at every xhat, so GP = (||W|| - 1)^2 = (5 - 1)^2 = 16 whatever alpha is.
    got = losses.gradient_penalty(linear_critic, images(0), images(1))
    assert got.dtype == tf.float32
    assert float(got) == pytest.approx(16.0, abs=1e-5)
    got = losses.gradient_penalty(linear_critic, images(0), images(1), target=5.0)
    assert float(got) == pytest.approx(0.0, abs=1e-5)


def test_gradient_penalty_quadratic_critic_with_given_alpha():
    real, fake, alpha = images(2), images(3), [0.25, 0.5, 1.0]
    got = losses.gradient_penalty(quadratic_critic, real, fake, alpha=tf.constant(alpha))
    assert float(got) == pytest.approx(hand_quadratic_gp(real, fake, alpha), abs=1e-5)


def test_gradient_penalty_seeded_alpha_is_one_per_example():
    real, fake, seed = images(4, batch=5), images(5, batch=5), tf.constant([7, 11])
    alpha = tf.random.stateless_uniform([5, 1, 1, 1], seed=seed).numpy()
    got = losses.gradient_penalty(quadratic_critic, real, fake, seed=seed)
    assert float(got) == pytest.approx(hand_quadratic_gp(real, fake, alpha), abs=1e-5)
    # Same seed, same penalty: the draw is stateless.
    assert float(losses.gradient_penalty(quadratic_critic, real, fake, seed=seed)) == float(got)


def test_gradient_penalty_unseeded_alpha_is_one_per_example():
    # Recover alpha from xhat = alpha*real + (1-alpha)*fake: it must be constant over each example's pixels
    # (PyTorch-GAN / Keras-GAN draw it per pixel).
    real, fake = images(6, batch=4), images(7, batch=4)
    seen = []
    losses.gradient_penalty(lambda x: seen.append(x) or quadratic_critic(x), real, fake)
    alpha = (seen[0].numpy() - fake) / (real - fake)
    np.testing.assert_allclose(alpha, np.broadcast_to(alpha[:, :1, :1, :1], alpha.shape), atol=1e-4)
    assert np.all((alpha >= -1e-4) & (alpha <= 1 + 1e-4))


def test_gradient_penalty_is_differentiable_in_critic_weights():
    # D(x) = w . x with w = (3, 4): GP = (||w|| - 1)^2, dGP/dw = 2 (||w|| - 1) w / ||w|| = 2*4*(0.6, 0.8).
    w = tf.Variable([3.0, 4.0])
    real, fake = tf.constant([[1.0, 2.0], [0.0, -1.0]]), tf.constant([[0.5, 0.5], [2.0, 1.0]])
    with tf.GradientTape() as tape:
        gp = losses.gradient_penalty(lambda x: tf.reduce_sum(w * x, axis=1), real, fake)
    assert float(gp) == pytest.approx(16.0, abs=1e-5)
    np.testing.assert_allclose(tape.gradient(gp, w).numpy(), [4.8, 6.4], atol=1e-5)


def test_gradient_penalty_float16_critic_stays_finite_float32():
    real, fake = images(8), images(9)

    def fp16_critic(x):
        return quadratic_critic(tf.cast(x, tf.float16))

    got = losses.gradient_penalty(fp16_critic, tf.cast(real, tf.float16), tf.cast(fake, tf.float16),
                                  alpha=[0.25, 0.5, 1.0])
    assert got.dtype == tf.float32 and np.isfinite(float(got))
    assert float(got) == pytest.approx(hand_quadratic_gp(real, fake, [0.25, 0.5, 1.0]), rel=1e-2)


def test_gradient_penalty_zero_gradient_is_finite():
    # A constant critic has zero gradient; the epsilon keeps d||g||/dg finite, GP = (0 - 1)^2 = 1.
    got = losses.gradient_penalty(lambda x: 0.0 * tf.reduce_sum(x, axis=[1, 2, 3]), images(0), images(1))
    assert float(got) == pytest.approx(1.0, abs=1e-5)


# ---- global_mean under tf.distribute -----------------------------------------------------------

def test_global_mean_outside_a_strategy_is_the_mean():
    assert float(losses.global_mean(tf.constant([1.0, 2.0, 3.0, 10.0]))) == pytest.approx(4.0)


def test_global_mean_sums_to_the_global_batch_mean_across_replicas(mirrored):
    strategy = mirrored  # two logical CPUs (tests/conftest.py)
    values = tf.constant([1.0, 2.0, 3.0, 10.0])  # global batch 4, global mean 4
    per_replica = strategy.experimental_distribute_values_from_function(
        lambda ctx: values[2 * ctx.replica_id_in_sync_group: 2 * ctx.replica_id_in_sync_group + 2])

    local = strategy.experimental_local_results(strategy.run(losses.global_mean, args=(per_replica,)))
    np.testing.assert_allclose([float(v) for v in local], [(1 + 2) / 4, (3 + 10) / 4], atol=1e-6)
    summed = strategy.reduce(tf.distribute.ReduceOp.SUM,
                             strategy.run(losses.global_mean, args=(per_replica,)), axis=None)
    assert float(summed) == pytest.approx(4.0, abs=1e-6)
    # A per-replica mean would double count: (1.5 + 6.5) = 8.
    naive = strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(tf.reduce_mean, args=(per_replica,)),
                            axis=None)
    assert float(naive) == pytest.approx(8.0, abs=1e-6)
    # A loss called with reduce=global_mean: hinge G = -mean(logits) = -4.
    hinge = strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(
        lambda v: losses.hinge_generator_loss(v, reduce=losses.global_mean), args=(per_replica,)), axis=None)
    assert float(hinge) == pytest.approx(-4.0, abs=1e-6)


# ---- lookup by name ----------------------------------------------------------------------------

def test_adversarial_loss_by_name():
    assert losses.adversarial_loss("non_saturating") == (losses.minimax_discriminator_loss,
                                                         losses.non_saturating_generator_loss)
    assert losses.adversarial_loss("hinge") == (losses.hinge_discriminator_loss, losses.hinge_generator_loss)
    assert set(losses.ADVERSARIAL_LOSSES) == {"minimax", "non_saturating", "wasserstein", "least_squares",
                                              "hinge"}


def test_adversarial_loss_unknown_name_is_a_one_line_user_error():
    with pytest.raises(tfgan_zoo.UserError) as info:
        losses.adversarial_loss("nope")
    message = str(info.value)
    assert "\n" not in message and "'nope'" in message
    for name in losses.ADVERSARIAL_LOSSES:
        assert name in message


def test_gaussian_kl_hand_value():
    mu = tf.constant([[1.0, 0.0]])
    log_var = tf.constant([[0.0, math.log(2.0)]])
    # -1/2 [(1 + 0 - 1 - 1) + (1 + log 2 - 0 - 2)] = 1 - log(2) / 2
    assert losses.gaussian_kl(mu, log_var).numpy() == pytest.approx(1 - math.log(2) / 2)
    # StackGAN's: the mean over the code's 2 dimensions
    assert losses.gaussian_kl(mu, log_var, per_dimension=True).numpy() == pytest.approx(
        (1 - math.log(2) / 2) / 2)
    assert losses.gaussian_kl(tf.zeros([3, 8]), tf.zeros([3, 8])).numpy() == 0
    per_example = losses.gaussian_kl(tf.ones([3, 4]), tf.zeros([3, 4]), reduce=lambda v: v)
    np.testing.assert_allclose(per_example.numpy(), [2.0, 2.0, 2.0])

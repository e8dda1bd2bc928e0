"""Consistency regularisation on the shared step: `consistency_weight` (CR,
Zhang et al. 2020) and `consistency_fake_weight` (bCR, Zhao et al. 2021) add
lambda E (D(x) - D(T(x)))^2 on the reals / the fakes D sees to D's loss, T a
random translation (`augment.translation`), and nothing to G's loss."""

import dataclasses
import json

import numpy as np
import pytest
import tensorflow as tf

from tests.support.models import build, one_line_error, policy
from tfgan_zoo import losses
from tfgan_zoo.config import Config, model_hyperparameters, parse_args
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image import base
from tfgan_zoo.models.noise2image.dcgan import DCGAN
from tfgan_zoo.recipes.dcgan import RECIPE
from tfgan_zoo.registry import build_model
from tfgan_zoo.training.trainer import train

TINY = {"image_shape": (16, 16, 1), "latent_dim": 8, "ngf": 4, "ndf": 4}


def scalar(value):
    return float(np.ravel(value)[0])


def linear_critic(model, weights, seen=None):
    """Make D(x) = <w, x> + 1; with a list `seen`, record every input."""
    w = tf.constant(weights, tf.float32)

    def discriminate(images, labels=None, training=False):
        if seen is not None:
            seen.append(images)
        return tf.reduce_sum(tf.cast(images, tf.float32) * w, axis=[1, 2, 3])[:, None] + 1.0
    model.discriminate = discriminate


def roll_one(images, seed, ratio):
    """A fixed T for the sums by hand: every image moved one pixel right
    (wrapping); records the ratio it was given."""
    roll_one.ratios.append(ratio)
    return tf.roll(images, 1, axis=2)


def test_the_loss_is_the_mean_squared_difference_of_ds_outputs():
    assert float(losses.consistency_loss(tf.constant([[1.0], [2.0], [-1.0]]),
                                         tf.constant([[0.0], [4.0], [-1.0]]))) == (
        pytest.approx((1.0 + 4.0 + 0.0) / 3))
    # a patch D: the mean over its map first
    patches = tf.reshape(tf.range(8, dtype=tf.float32), [2, 2, 2, 1])
    assert float(losses.consistency_loss(patches, tf.zeros_like(patches))) == (
        pytest.approx(np.mean(np.arange(8.0) ** 2)))


def test_the_terms_of_a_linear_d_by_hand(monkeypatch):
    """D(x) = <w, x> + 1: D(x) - D(T(x)) = <w, x - T(x)>; D's objective is its
    loss + 10 x the reals' mean square + 2 x the fakes'."""
    roll_one.ratios = []
    monkeypatch.setattr(base, "translation", roll_one)
    model = build("dcgan", consistency_weight=10.0, consistency_fake_weight=2.0,
                  consistency_shift=0.25)
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(1, 16, 16, 1))
    linear_critic(model, weights)
    real, fake = (rng.uniform(-1, 1, (5, 16, 16, 1)) for _ in range(2))

    def by_hand(x):
        moved = np.roll(x, 1, axis=2)
        return float(np.mean(np.sum((x - moved) * weights, axis=(1, 2, 3)) ** 2))

    loss, logs = model.critic_loss(tf.constant(real, tf.float32), tf.constant(fake, tf.float32))
    assert scalar(logs["consistency_real"]) == pytest.approx(by_hand(real), rel=1e-5)
    assert scalar(logs["consistency_fake"]) == pytest.approx(by_hand(fake), rel=1e-5)
    assert roll_one.ratios == [0.25, 0.25]
    total, _ = model.critic_objective(tf.constant(real, tf.float32),
                                      tf.constant(fake, tf.float32))
    assert float(total) - float(loss) == pytest.approx(
        10.0 * by_hand(real) + 2.0 * by_hand(fake), rel=1e-4)


def test_t_is_the_translation_with_a_fresh_draw_per_side():
    """The images D sees for CR are the reals and fakes shifted by whole
    pixels, at most 2 of 16 (1/8), zero fill: what `augment.translation`
    gives; the two sides draw their own shifts."""
    model = build("dcgan", consistency_weight=1.0, consistency_fake_weight=1.0)
    seen = []
    linear_critic(model, np.ones((1, 16, 16, 1)), seen)
    image = np.full((16, 16, 1), -1.0)
    image[6:10, 6:10] = 1.0  # a square away from the edges: every shift keeps it
    batch = tf.constant(np.stack([image] * 32), tf.float32)
    model.critic_loss(batch, batch)
    assert len(seen) == 4  # D(x), D(G(z)), D(T(x)), D(T(G(z)))
    shifts = []
    for moved in (seen[2].numpy(), seen[3].numpy()):
        side = []
        for picture in moved:
            rows, cols = np.nonzero(picture[..., 0] == 1.0)
            dy, dx = rows.min() - 6, cols.min() - 6
            assert max(abs(dy), abs(dx)) <= 2
            shifted = np.roll(np.roll(image, dy, axis=0), dx, axis=1)
            # zero fill: the rows and columns moved in are 0, not the background -1
            if dy > 0:
                shifted[:dy] = 0.0
            elif dy < 0:
                shifted[dy:] = 0.0
            if dx > 0:
                shifted[:, :dx] = 0.0
            elif dx < 0:
                shifted[:, dx:] = 0.0
            np.testing.assert_array_equal(picture, shifted)
            side.append((dy, dx))
        assert len(set(side)) > 1
        shifts.append(side)
    assert shifts[0] != shifts[1]


def test_gradients_reach_d_through_both_sides_and_never_g(monkeypatch):
    """d/dw of 10 (<w, x - T(x)>)^2 is 20 <w, x - T(x)> (x - T(x)): the paper's
    term, no side held constant. G's objective is unchanged by CR: on the same
    fakes it is the plain model's, and D's objective has no path to G."""
    roll_one.ratios = []
    monkeypatch.setattr(base, "translation", roll_one)
    model = build("dcgan", consistency_weight=10.0)
    rng = np.random.default_rng(1)
    weights = tf.Variable(rng.normal(size=(1, 16, 16, 1)), dtype=tf.float32)
    model.discriminate = lambda images, labels=None, training=False: (
        tf.reduce_sum(images * weights, axis=[1, 2, 3])[:, None])
    real = rng.uniform(-1, 1, (4, 16, 16, 1))
    with tf.GradientTape() as tape:
        _, logs = model.critic_loss(tf.constant(real, tf.float32),
                                    tf.zeros((4, 16, 16, 1)))
        term = 10.0 * logs["consistency_real"]
    gradient = tape.gradient(term, weights).numpy()
    delta = real - np.roll(real, 1, axis=2)
    inner = np.sum(delta * weights.numpy(), axis=(1, 2, 3))
    expected = np.mean(20.0 * inner[:, None, None, None] * delta, axis=0, keepdims=True)
    np.testing.assert_allclose(gradient, expected, rtol=1e-4, atol=1e-6)

    z = model.sample_noise(4)
    with tf.GradientTape(persistent=True) as tape:
        fake = model.generate(z, training=True)
        d_loss, logs = model.critic_objective(tf.constant(real, tf.float32),
                                            tf.stop_gradient(fake))
        g_loss, g_logs = model.generator_objective(model.discriminate(fake))
    assert all(g is None for g in tape.gradient(d_loss, model.generator.trainable_variables))
    assert "consistency_real" not in g_logs
    assert float(g_loss) == pytest.approx(float(losses.non_saturating_generator_loss(
        model.discriminate(fake))))


@pytest.mark.parametrize("reuse_fake", [True, False])
def test_a_step_logs_the_terms_under_mixed_precision(reuse_fake):
    with policy("mixed_bfloat16"):
        model = build("dcgan", consistency_weight=10.0, consistency_fake_weight=10.0,
                      reuse_fake=reuse_fake, r1_gamma=0.1, r1_every=4)
        real = tf.random.uniform([8, 16, 16, 1], -1, 1)
        logs = [model.train_step((real, tf.zeros(8, tf.int32))) for _ in range(2)]
    for name in ("consistency_real", "consistency_fake", "r1_penalty", "d_loss", "g_loss"):
        assert np.isfinite(scalar(logs[1][name])), name
    assert scalar(logs[1]["consistency_real"]) > 0 and scalar(logs[1]["consistency_fake"]) > 0


def test_a_weight_on_one_side_measures_that_side_only():
    model = build("dcgan", consistency_fake_weight=10.0, reuse_fake=True)
    logs = model.train_step((tf.random.uniform([8, 16, 16, 1], -1, 1), tf.zeros(8, tf.int32)))
    assert "consistency_fake" in logs and "consistency_real" not in logs


def test_the_term_is_the_global_mean_under_two_replicas(mirrored, monkeypatch):
    """Two replicas of 4 images each log the term of all 8: the mean of the
    per-image squares, whichever replica holds an image."""
    roll_one.ratios = []
    monkeypatch.setattr(base, "translation", roll_one)
    model = build("dcgan", mirrored, consistency_weight=1.0)
    rng = np.random.default_rng(2)
    weights = rng.normal(size=(1, 16, 16, 1))
    linear_critic(model, weights)
    real = rng.uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    delta = real - np.roll(real, 1, axis=2)
    per_image = np.sum(delta * weights, axis=(1, 2, 3)) ** 2
    dataset = tf.data.Dataset.from_tensors((real, real)).repeat(1)

    @tf.function
    def measure(batch, fake):
        _, logs = model.critic_loss(batch, fake)
        return logs["consistency_real"]
    for batch, fake in mirrored.experimental_distribute_dataset(dataset):
        shares = mirrored.run(measure, args=(batch, fake))
    values = [float(v) for v in mirrored.experimental_local_results(shares)]
    # each replica holds its share: its sum over the global batch of 8
    assert sum(values) == pytest.approx(float(np.mean(per_image)), rel=1e-4)
    assert values[0] == pytest.approx(float(np.sum(per_image[:4]) / 8), rel=1e-4)


def test_two_replicas_train_and_log_the_terms(mirrored):
    model = build("dcgan", mirrored, consistency_weight=10.0, consistency_fake_weight=10.0,
                  reuse_fake=True)
    dataset = tf.data.Dataset.from_tensors(
        (tf.random.uniform([8, 16, 16, 1], -1, 1), tf.zeros(8, tf.int32))).repeat(2)
    step = tf.function(lambda data: mirrored.run(model.train_step, args=(data,)))
    for batch in mirrored.experimental_distribute_dataset(dataset):
        logs = step(batch)
    for name in ("consistency_real", "consistency_fake", "d_loss", "g_loss"):
        # each replica's tracker holds its share x 2, the mean over its own
        # images (Keras averages them); the reduction is checked by hand above
        logged = [scalar(v) for v in mirrored.experimental_local_results(logs[name])]
        assert len(logged) == 2 and np.isfinite(logged).all(), name
        if name.startswith("consistency"):
            assert min(logged) > 0, name


def test_off_by_default_and_the_options_round_trip():
    args = parse_args(RECIPE, []).model_args
    assert (args["consistency_weight"], args["consistency_fake_weight"],
            args["consistency_shift"]) == (0.0, 0.0, 0.125)
    model = build_model("dcgan", **{**args, **TINY}, total_steps=100)
    assert model.consistency_weights == {}
    assert not any(name.startswith("consistency") for name in model.trackers)
    args = parse_args(RECIPE, ["--consistency-weight", "10", "--consistency-fake-weight", "5",
                               "--consistency-shift", "0.25"]).model_args
    model = build_model("dcgan", **{**args, **TINY}, total_steps=100)
    again = DCGAN.from_config(model.get_config())
    assert again.consistency_weights == {"real": 10.0, "fake": 5.0}
    assert again.consistency_shift == 0.25
    for name in ("gan", "dcgan", "lsgan", "wgan", "wgan_gp", "cgan", "sngan"):
        assert model_hyperparameters(name)["consistency_weight"] == 0.0, name
    for name in ("can", "progan", "infogan", "began"):
        assert "consistency_weight" not in model_hyperparameters(name), name


@pytest.mark.parametrize("kwargs, fragments", [
    # a negative weight is refused as every loss weight is (`checks`, by name)
    ({"consistency_weight": "lots"}, ["--consistency-weight must be a number, got 'lots'"]),
    ({"consistency_weight": 10.0, "consistency_shift": 0.0},
     ["--consistency-shift is a fraction of the image in (0, 0.5], got 0.0",
      "--consistency-shift 0.125"]),
    ({"consistency_weight": 10.0, "consistency_shift": 0.75},
     ["--consistency-shift is a fraction of the image in (0, 0.5]"]),
    ({"consistency_shift": 0.25}, ["--consistency-shift is the translation of consistency",
                                   "regularisation, and it is off", "--consistency-weight 10"]),
])
def test_bad_settings_are_one_line(kwargs, fragments):
    with pytest.raises(UserError) as excinfo:
        build_model("dcgan", **TINY, **kwargs)
    one_line_error(excinfo, *fragments)


def test_a_resumed_run_keeps_cr(tmp_path):
    """A run stopped at step 2 resumes to 4 with CR in its saved config and
    model description, logging the terms; resuming it without the flags is
    refused with the weights named."""
    config = Config(recipe="tiny", model="dcgan", dataset="mnist5k:test", image_size=16,
                    steps=4, batch_size=16, out=str(tmp_path / "run"), sample_every=100,
                    checkpoint_every=2, log_every=100, num_samples=4, epoch_steps=2,
                    export=False, model_args={"latent_dim": 8, "ngf": 4, "ndf": 4,
                                              "reuse_fake": True, "consistency_weight": 10.0,
                                              "consistency_fake_weight": 10.0})
    stopped = train(dataclasses.replace(config, steps=2), verbose=0)
    assert int(stopped.g_optimizer.iterations) == 2
    resumed = train(config, verbose=0)
    assert int(resumed.g_optimizer.iterations) == 4
    assert resumed.consistency_weights == {"real": 10.0, "fake": 10.0}
    assert resumed.trackers["consistency_fake"].result() > 0
    saved = json.loads((tmp_path / "run" / "config.json").read_text())["model_args"]
    assert (saved["consistency_weight"], saved["consistency_fake_weight"]) == (10.0, 10.0)
    described = json.loads((tmp_path / "run" / "model.json").read_text())["config"]
    assert described["consistency_weight"] == 10.0
    plain = {k: v for k, v in config.model_args.items() if not k.startswith("consistency")}
    with pytest.raises(UserError) as excinfo:
        train(dataclasses.replace(config, steps=6, model_args=plain), verbose=0)
    one_line_error(excinfo, "consistency_fake_weight: saved 10.0, given 0.0",
                   "consistency_weight: saved 10.0, given 0.0")

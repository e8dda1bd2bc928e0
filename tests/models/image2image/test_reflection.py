"""Reflection separation: synthetic triples train every term, real pairs
only the transmission ones; the feature network is trained by its own
player, never by the generator's step; outputs are clipped at inference."""

import numpy as np
import pytest
import tensorflow as tf

from tests.support.tiny_models import tiny_model, weights
from tfgan_zoo.errors import UserError

RNG = np.random.default_rng(0)
TRIPLE = tuple(tf.constant(RNG.uniform(-1, 1, (4, 16, 16, 3)), tf.float32) for _ in range(3))


def test_synthetic_and_real_batches():
    model = tiny_model("reflection", image_shape=(16, 16, 3))
    logs = model.train_step(TRIPLE)
    assert float(logs["exclusion"][0]) > 0 and float(logs["reflection_l1"][0]) > 0
    logs = tiny_model("reflection", image_shape=(16, 16, 3)).train_step(TRIPLE[:2])
    assert float(logs["exclusion"][0]) == 0.0 and float(logs["reflection_l1"][0]) == 0.0
    assert "photo auto-encoder" in model.card_notes()["feature_loss"]


def test_the_feature_network_is_its_own_player():
    model = tiny_model("reflection", image_shape=(16, 16, 3), lr=0.0)
    model.player_optimizers["features"].learning_rate.assign(1e-2)
    g_before, f_before = weights(model.generator), weights(model.feature_net)
    model.train_step(TRIPLE)
    assert all(np.array_equal(a, b) for a, b in zip(g_before, weights(model.generator)))
    assert not all(np.array_equal(a, b) for a, b in zip(f_before, weights(model.feature_net)))


def test_layers_are_clipped_at_inference():
    model = tiny_model("reflection", image_shape=(16, 16, 3))
    t, r = model.separate(tf.constant(TRIPLE[0] * 5))
    assert t.shape == r.shape == (4, 16, 16, 3)
    assert float(tf.reduce_max(tf.abs(t))) <= 1 and float(tf.reduce_max(tf.abs(r))) <= 1
    np.testing.assert_array_equal(model.translate(TRIPLE[0]), model.separate(TRIPLE[0])[0])


def test_an_ema_of_g_separates_outside_training():
    """--ema-decay (a project option): one update at decay 0.5 puts the
    average halfway; separate, translate and the export read it outside
    training, training reads the raw G; off by default."""
    model = tiny_model("reflection", image_shape=(16, 16, 3), ema_decay=0.5)
    kernel = model.generator.weights[0].numpy()
    model.train_step(TRIPLE)
    np.testing.assert_allclose(model.generator_ema.weights[0].numpy(),
                               0.5 * kernel + 0.5 * model.generator.weights[0].numpy(),
                               atol=1e-6)
    t_ema = tf.split(tf.clip_by_value(model.generator_ema(TRIPLE[0]), -1, 1), 2, axis=-1)[0]
    np.testing.assert_allclose(model.separate(TRIPLE[0])[0], t_ema, atol=1e-6)
    np.testing.assert_allclose(model.separate(TRIPLE[0], training=True)[0],
                               tf.split(model.generator(TRIPLE[0], training=True), 2, -1)[0],
                               atol=1e-6)
    assert model.export_networks() == [model.generator_ema]
    assert tiny_model("reflection", image_shape=(16, 16, 3)).ema_decay is None


def test_the_mean_colour_term_is_weighed_into_the_generator_loss():
    model = tiny_model("reflection", image_shape=(16, 16, 3), lr=0.0, mean_colour_weight=2.0)
    logs = {k: float(v[0]) for k, v in model.train_step(TRIPLE).items()}
    t_hat = model.separate(TRIPLE[0], training=True)[0].numpy()
    # L1 of the mean colours in 0..255 units (the generator's weights did not move).
    expected = np.abs(t_hat.mean((1, 2)) - TRIPLE[1].numpy().mean((1, 2))).mean() * 127.5
    assert logs["mean_colour"] == pytest.approx(expected, rel=1e-3)
    paper = logs["g_adv"] + 100 * (logs["reflection_l1"] + 0.2 * logs["feature"]
                                   + logs["exclusion"])
    assert logs["g_loss"] - paper == pytest.approx(100 * 2.0 * logs["mean_colour"], rel=1e-3)
    assert tiny_model("reflection", image_shape=(16, 16, 3)).mean_colour_weight == 0.0


def test_transmission_from_reflection_inverts_the_blend_model_in_linear_light():
    model = tiny_model("reflection", image_shape=(16, 16, 3), transmission="from_reflection",
                       attenuation=0.8)
    # Hand-computed: T 0.5 and R 0.3 in 0..1 units, blend = (0.8 T^2.2 + R^2.2)^(1/2.2).
    t_unit, r_unit = 0.5, 0.3
    b_unit = (0.8 * t_unit ** 2.2 + r_unit ** 2.2) ** (1 / 2.2)
    blend = tf.fill((2, 16, 16, 3), 2 * b_unit - 1)
    reflection = tf.fill((2, 16, 16, 3), 2 * r_unit - 1)
    t = model.transmission_from_reflection(blend, reflection).numpy()
    np.testing.assert_allclose(t, 2 * t_unit - 1, atol=1e-5)
    # A reflection brighter than the blend leaves black (the darkest linear value).
    t = model.transmission_from_reflection(reflection, blend).numpy()
    np.testing.assert_allclose(t, 2 * 1e-4 ** (1 / 2.2) - 1, atol=1e-5)
    # separate() derives T_hat from its own R_hat; G's first output is unused.
    t_hat, r_hat = model.separate(TRIPLE[0])
    np.testing.assert_allclose(t_hat, model.transmission_from_reflection(TRIPLE[0], r_hat),
                               atol=1e-6)
    logs = model.train_step(TRIPLE)
    assert np.isfinite(float(logs["g_loss"][0])) and float(logs["exclusion"][0]) > 0


@pytest.mark.parametrize("overrides, message", [
    ({"transmission": "residual"}, "unknown transmission 'residual': choose direct or"),
    ({"attenuation": 0.0}, r"attenuation must be in \(0, 1\]"),
    ({"attenuation": 1.5}, r"attenuation must be in \(0, 1\]"),
])
def test_bad_transmission_options_are_refused(overrides, message):
    with pytest.raises(UserError, match=message):
        tiny_model("reflection", image_shape=(16, 16, 3), **overrides)

"""ID-CGAN: the conditional PatchGAN sees (degraded, clean) pairs, and the
L2-only baseline is the same generator without D."""

import numpy as np
import tensorflow as tf

from tests.support.tiny_models import tiny_model, weights

RNG = np.random.default_rng(0)
PAIR = tuple(tf.constant(RNG.uniform(-1, 1, (4, 16, 16, 3)), tf.float32) for _ in range(2))


def test_discriminator_is_conditional_on_the_degraded_image():
    model = tiny_model("idcgan", image_shape=(16, 16, 3))
    assert model.discriminator.input_shape[-1] == 6
    logs = model.train_step(PAIR)
    assert float(logs["d_loss"][0]) > 0 and float(logs["feature_mse"][0]) == 0.0
    assert "off" in model.card_notes()["feature_term"]


def test_l2_only_baseline_leaves_d_untrained():
    model = tiny_model("idcgan", image_shape=(16, 16, 3), adversarial_weight=0.0)
    before = weights(model.discriminator)
    logs = model.train_step(PAIR)
    assert float(logs["g_loss"][0]) == float(logs["pixel_mse"][0])
    for a, b in zip(before, weights(model.discriminator)):
        np.testing.assert_array_equal(a, b)

"""CAN: the style ambiguity as the paper writes it (K binary cross-entropies
against 1/K) and the softmax variant, by hand; the discriminator's style
head and the losses of one step."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import losses, registry
from tfgan_zoo.errors import UserError

SMALL = dict(image_shape=(16, 16, 1), num_classes=4, latent_dim=8, ngf=8, ndf=8, seed=0)


def _softmax(logits):
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_style_ambiguity_is_k_binary_cross_entropies_against_one_over_k():
    logits = np.array([[2.0, -1.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.0],
                       [30.0, -30.0, 0.0, 1.0]], "float32")
    p = _softmax(logits.astype(np.float64))
    k = 4
    with np.errstate(divide="ignore"):
        bce = -(np.log(p) / k + (1 - 1 / k) * np.log1p(-p)).sum(-1)
    # p_0 of the last row is 1 in float64's eyes too: use log(1 - p_0) = log(sum p_j, j != 0).
    bce[2] = -(np.log(p[2]) / k).sum() - (1 - 1 / k) * (
        np.log(p[2, 1:].sum()) + np.log1p(-p[2, 1:]).sum())
    per_example = losses.style_ambiguity_loss(logits, reduce=tf.identity).numpy()
    np.testing.assert_allclose(per_example, bce, rtol=1e-5)
    # Least at the uniform posterior: K * H_b(1/K).
    uniform = -(np.log(1 / k) + (k - 1) * np.log(1 - 1 / k))
    assert per_example[1] == pytest.approx(uniform, rel=1e-6)
    assert np.all(per_example >= uniform - 1e-6)


def test_softmax_variant_is_cross_entropy_against_the_uniform():
    logits = np.array([[2.0, -1.0, 0.5, 0.0]], "float32")
    expected = -np.log(_softmax(logits.astype(np.float64))).mean()
    assert losses.style_ambiguity_softmax_loss(logits).numpy() == pytest.approx(expected,
                                                                                 rel=1e-6)


def test_discriminator_classifies_styles_and_the_generator_is_scored_on_ambiguity():
    model = registry.build_model("can", **SMALL, style_weight=2.0)
    model.build_networks()
    assert model.discriminator.output_shape == [(None, 1), (None, 4)]
    real = tf.random.stateless_uniform((4, 16, 16, 1), [0, 1], -1, 1)
    labels = tf.constant([0, 1, 2, 3])
    fake = model.generate(tf.zeros((4, 8)))
    _, logs = model.critic_loss(real, fake, labels)
    assert float(logs["style_loss"]) > 0
    outputs = model.discriminate(fake, training=False)
    g_loss = model.generator_loss(outputs)
    expected = (losses.non_saturating_generator_loss(outputs[0])
                + 2.0 * losses.style_ambiguity_loss(outputs[1]))
    assert float(g_loss) == pytest.approx(float(expected), rel=1e-5)


def test_style_after_leaves_the_term_out_for_that_fraction_of_the_run():
    model = registry.build_model("can", **SMALL, style_weight=2.0, style_after=0.25,
                                 total_steps=8)
    model.compile(g_optimizer=keras.optimizers.Adam(2e-4),
                  d_optimizer=keras.optimizers.Adam(2e-4))
    model.build_networks()
    outputs = model.discriminate(model.generate(tf.zeros((4, 8))), training=False)
    adversarial = float(losses.non_saturating_generator_loss(outputs[0]))
    ambiguity = float(losses.style_ambiguity_loss(outputs[1]))
    # Steps 0 and 1 of 8 (the first quarter) without it, step 2 on with lambda = 2.
    for step, weight in ((0, 0.0), (1, 0.0), (2, 2.0), (7, 2.0)):
        model.g_optimizer.iterations.assign(step)
        assert float(model.generator_loss(outputs)) == pytest.approx(
            adversarial + weight * ambiguity, rel=1e-5)


@pytest.mark.parametrize("kwargs, message", [
    ({"ambiguity": "entropy"}, "unknown ambiguity 'entropy'"),
    ({"num_classes": None}, "CAN needs a labelled dataset"),
    ({"style_weight": -1.0}, "--style-weight must be a finite loss weight >= 0"),
    ({"style_after": 1.0, "total_steps": 8}, "style_after is a fraction of the run in"),
    ({"style_after": 0.5}, "style_after needs the run's length"),
])
def test_bad_settings(kwargs, message):
    with pytest.raises(UserError, match=message):
        registry.build_model("can", **{**SMALL, **kwargs})


def test_unlabelled_data_is_refused():
    model = registry.build_model("can", **SMALL)
    with pytest.raises(UserError, match="classes are the styles"):
        model.unpack(tf.zeros((2, 16, 16, 1)))

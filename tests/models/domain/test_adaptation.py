"""DANN, ADDA and MDAN beyond the registry tests: the schedules, what each
step may and may not change, the source-classifier phase, bad input."""

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.optimizers import AnnealedDecay
from tfgan_zoo.registry import build_model
from tfgan_zoo.training.classifier import classifier_info, save_classifier

SHAPE = (16, 16, 3)
TINY = {"dann": {"widths": (4, 8), "hidden": (8,), "domain_hidden": (8,)},
        "adda": {"widths": (4, 8), "feature_dim": 8, "adversary_hidden": (8,)},
        "mdan": {"widths": (4, 8), "hidden": (8,), "domain_hidden": (8,),
                 "source_domains": ("mnist", "syndigits")}}


def build(name, **kwargs):
    model = build_model(name, image_shape=SHAPE, num_classes=10, seed=0,
                        **{**TINY[name], **kwargs})
    model.compile(g_optimizer=keras.optimizers.SGD(0.1), d_optimizer=keras.optimizers.SGD(0.1))
    model.build_for_training()
    return model


def one_step(model):
    batch = tuple(tf.constant(x) for x in model.example_data(8))
    return model.train_step(batch)


def weights(net):
    return [w.numpy().copy() for w in net.weights]


def changed(before, net):
    return any(not np.array_equal(b, a.numpy()) for b, a in zip(before, net.weights))


def test_dann_schedules_follow_the_paper():
    model = build("dann", total_steps=100)
    assert float(model.reversal_scale()) == pytest.approx(0.0)
    model.g_optimizer.iterations.assign(50)
    assert float(model.reversal_scale()) == pytest.approx(2 / (1 + np.exp(-5)) - 1, 1e-6)
    assert isinstance(model.g_optimizer._learning_rate, AnnealedDecay)
    decay = AnnealedDecay(0.01, 100)
    assert float(decay(100)) == pytest.approx(0.01 / 11 ** 0.75)


def test_dann_reverses_the_domain_gradient_into_the_features():
    """One plain-SGD step with lambda = 1 and one with lambda = 0 from the
    same weights differ, in the feature extractor, by exactly +lr times the
    domain loss's gradient: the reversal layer makes G_f climb it."""
    batch = tuple(tf.constant(x) for x in build("dann").example_data(8))
    adapted, plain = build("dann", gamma=1e6), build("dann", domain_weight=0.0)  # lambda 1, 0
    plain.set_weights(adapted.get_weights())
    sources, labels, target = batch
    source, _ = adapted.pooled(sources, labels)
    with tf.GradientTape() as tape:
        domain = losses.domain_classifier_loss(
            adapted.discriminator(adapted.generator(source, training=True)),
            adapted.discriminator(adapted.generator(target, training=True)))
    gradient = tape.gradient(domain, adapted.generator.trainable_weights)
    adapted.train_step(batch)
    plain.train_step(batch)
    for a, b, g in zip(adapted.generator.trainable_weights, plain.generator.trainable_weights,
                       gradient):
        np.testing.assert_allclose(a.numpy() - b.numpy(), 0.1 * g.numpy(), atol=1e-5)


def test_dann_standardize_images_reaches_the_losses():
    """With --standardize-images a batch and the same batch at another
    brightness and contrast give one class loss and one domain loss; off
    (the paper), they differ."""
    sources, labels, target = build("dann").example_data(8)
    shifted = (0.4 * sources + 0.3, labels, 0.4 * target - 0.2)
    for on in (True, False):
        a, b = build("dann", standardize_images=on), build("dann", standardize_images=on)
        b.set_weights(a.get_weights())
        first = a.train_step(tuple(tf.constant(x) for x in (sources, labels, target)))
        second = b.train_step(tuple(tf.constant(x) for x in shifted))
        for name in ("class_loss", "domain_loss"):
            same = np.allclose(first[name].numpy(), second[name].numpy(), atol=1e-5)
            assert same == on, (name, on)


def test_dann_standardize_images_round_trips_and_checks_its_value():
    model = build("dann", standardize_images=True)
    config = model.get_config()
    assert config["standardize_images"] is True
    again = type(model).from_config(config)
    assert again.standardize_images is True
    assert any(type(layer).__name__ == "PerImageStandardization"
               for layer in again.generator.layers)
    assert not any(type(layer).__name__ == "PerImageStandardization"
                   for layer in build("dann").generator.layers)
    with pytest.raises(UserError, match="--standardize-images is a switch") as error:
        build("dann", standardize_images="yes")
    assert "\n" not in str(error.value)


def test_adda_keeps_the_source_encoder_and_classifier_fixed(tmp_path):
    source = build("adda")
    encoder, head = source.pretrained_networks()
    for w in encoder.weights + head.weights:
        w.assign(w + tf.random.normal(w.shape, stddev=0.05, seed=1))  # "trained"
    save_classifier(tmp_path, encoder, head, {"architecture": source.architecture()})
    model = build("adda", source_classifier=str(tmp_path))
    for a, b in zip(model.generator.get_weights(), encoder.get_weights()):
        np.testing.assert_array_equal(a, b)  # M_t starts as M_s
    frozen = weights(model.source_encoder) + weights(model.classifier)
    target = weights(model.generator)
    one_step(model)
    assert not changed(frozen[:len(model.source_encoder.weights)], model.source_encoder)
    assert not changed(frozen[len(model.source_encoder.weights):], model.classifier)
    assert changed(target, model.generator)
    with pytest.raises(UserError, match="different feature_dim"):
        build("adda", source_classifier=str(tmp_path), feature_dim=12)
    assert classifier_info(tmp_path / "nothing") is None


@pytest.mark.parametrize("combination", ["soft", "hard"])
def test_mdan_trains_every_domain_classifier(combination):
    model = build("mdan", combination=combination)
    before = [weights(d) for d in model.domain_classifiers]
    logs = one_step(model)
    assert all(np.isfinite(v.numpy()).all() for v in logs.values())
    if combination == "soft":  # every source weighs in
        assert all(changed(b, d) for b, d in zip(before, model.domain_classifiers))


def test_bad_input_is_one_line():
    with pytest.raises(UserError, match="k >= 2 source domains") as error:
        build("mdan", source_domains=("mnist",))
    assert "adapt:mnist,syndigits,ucidigits>mnistm" in str(error.value)
    with pytest.raises(UserError, match="also a source"):
        build("dann", source_domains=("mnist",), target_domain="mnist")
    with pytest.raises(UserError, match="--combination soft"):
        build("mdan", combination="average")
    with pytest.raises(UserError, match="adapt:mnist>mnistm"):
        build("dann").unpack((tf.zeros([2, 16, 16, 3]), tf.zeros([2], tf.int32)))

"""DTN beyond the registry tests: f stays fixed, the ternary D's classes,
the reference port's options."""

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo.errors import UserError
from tfgan_zoo.models.domain import dtn
from tfgan_zoo.registry import build_model


def build(**kwargs):
    model = build_model("dtn", image_shape=(16, 16, 3), num_classes=10, seed=0, width=4,
                        feature_dim=8, ndf=4, **kwargs)
    model.compile(g_optimizer=keras.optimizers.Adam(1e-2), d_optimizer=keras.optimizers.Adam(1e-2))
    model.build_for_training()
    return model


def step(model):
    return model.train_step(tuple(tf.constant(x) for x in model.example_data(8)))


def test_f_is_fixed_and_g_learns():
    model = build()
    f, g = model.encoder.get_weights(), model.generator.get_weights()
    logs = step(model)
    for a, b in zip(f, model.encoder.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(g, model.generator.get_weights()))
    assert set(logs) == set(model.loss_names)
    images = model.generate_from({"image": tf.zeros([2, 16, 16, 3])})
    assert images.shape == (2, 16, 16, 3)


def test_ternary_and_binary_discriminators():
    ternary, binary = build(), build(binary_discriminator=True)
    assert ternary.discriminator.output_shape == (None, 3)
    assert binary.discriminator.output_shape == (None, 2)
    assert [ternary.labels(k) for k in (dtn.FAKE_FROM_SOURCE, dtn.FAKE_FROM_TARGET,
                                        dtn.REAL_TARGET)] == [0, 1, 2]
    assert [binary.labels(k) for k in (dtn.FAKE_FROM_SOURCE, dtn.FAKE_FROM_TARGET,
                                       dtn.REAL_TARGET)] == [0, 0, 1]


def test_the_ports_train_f_updates_f():
    model = build(train_f=True)
    f = model.encoder.get_weights()
    step(model)
    assert any(not np.array_equal(a, b) for a, b in zip(f, model.encoder.get_weights()))


def test_ema_of_g_serves_g_of_f():
    """--ema-decay averages g (the core's EMA); G(x) outside training, and
    the export, read the average; training reads the raw g."""
    model = build(ema_decay=0.5)
    step(model)
    x = tf.constant(model.example_data(4)[2])
    features = model.encoder(x, training=False)
    np.testing.assert_allclose(model.translate(x), model.generator_ema(features), atol=1e-6)
    assert not np.allclose(model.translate(x), model.generator(features, training=False))
    assert model.export_networks() == [model.encoder, model.generator_ema]


def test_decay_after_falls_linearly_to_zero_and_is_checked():
    """--decay-after: g's and D's rates hold for that fraction of the run,
    then fall linearly to 0 (the core's `schedule_learning_rates`); the
    paper's constant rate is the default."""
    model = build(total_steps=10, decay_after=0.6)
    for optimizer in (model.g_optimizer, model.d_optimizer):
        rates = [float(optimizer._learning_rate(t)) for t in (0, 6, 8, 10)]
        np.testing.assert_allclose(rates, [1e-2, 1e-2, 5e-3, 0.0], atol=1e-9)
    assert model.player_optimizers["generator"] is model.g_optimizer
    step(model)  # the copies the schedule made train, and read it
    model.g_optimizer.iterations.assign(8)
    assert float(model.g_optimizer.learning_rate) == pytest.approx(5e-3)
    assert float(build(total_steps=10).g_optimizer.learning_rate) == pytest.approx(1e-2)
    with pytest.raises(UserError, match="decay-after"):
        build(total_steps=10, decay_after=1.0)


def hand_class_const(model, target):
    """f's head on G(x) against its posterior on x ('posterior', KL) or the
    source label ('label', cross-entropy), by hand in numpy, on the batch
    `step` trains on, before that step (g in training mode reads the
    batch's statistics: the same G(x) as the step's)."""
    source, labels, _ = model.example_data(8)
    source, labels = source[:, 0], labels[:, 0]
    fake = model.translate(tf.constant(source), training=True)
    logits = model.source_head(model.encoder(fake, training=False)).numpy()
    reference = model.source_head(model.encoder(source, training=False)).numpy()

    def log_softmax(z):
        z = z - z.max(1, keepdims=True)
        return z - np.log(np.exp(z).sum(1, keepdims=True))
    log_p, log_ref = log_softmax(logits), log_softmax(reference)
    if target == "label":
        return -log_p[np.arange(len(labels)), labels].mean()
    return (np.exp(log_ref) * (log_ref - log_p)).sum(1).mean()


def sharp(**kwargs):
    """A tiny DTN whose untrained f's head reads with confidence: its kernel
    scaled up, so f's small feature changes move the posterior."""
    model = build(**kwargs)
    kernel, *rest = model.source_head.get_weights()
    model.source_head.set_weights([kernel * 3e4, *rest])
    return model


@pytest.mark.parametrize("target", ["posterior", "label"])
def test_class_const_weight_adds_the_head_term_to_g_loss(target):
    """--class-const-weight w adds w times the term to L_G, on top of the
    paper's L_GANG + 15 L_CONST + 15 L_TID; `class_const` logs the KL."""
    model = sharp(class_const_weight=3.0, class_const_target=target)
    hand, kl = hand_class_const(model, target), hand_class_const(model, "posterior")
    assert hand > 0.05 and kl > 0.05  # the term is not vanishing here
    logs = {k: float(np.ravel(v)[0]) for k, v in step(model).items()}
    paper = logs["g_gan"] + 15 * logs["const"] + 15 * logs["tid"]
    assert logs["g_loss"] - paper == pytest.approx(3.0 * hand, rel=1e-3)
    assert logs["class_const"] == pytest.approx(kl, rel=1e-3)


def test_class_const_is_off_by_default_and_round_trips():
    paper = build()
    logs = {k: float(np.ravel(v)[0]) for k, v in step(paper).items()}
    assert logs["g_loss"] == pytest.approx(
        logs["g_gan"] + 15 * logs["const"] + 15 * logs["tid"], rel=1e-5)
    assert (paper.class_const_weight, paper.class_const_target) == (0.0, "posterior")
    model = build(class_const_weight=2.5, class_const_target="label")
    again = type(model).from_config(model.get_config())
    assert (again.class_const_weight, again.class_const_target) == (2.5, "label")


def test_class_const_flags_reach_the_model_and_bad_values_are_one_line():
    from tfgan_zoo.config import parse_args
    from tfgan_zoo.recipes.dtn import RECIPE
    args = parse_args(RECIPE, ["--class-const-weight", "15", "--class-const-target", "label"])
    assert args.model_args["class_const_weight"] == 15
    assert args.model_args["class_const_target"] == "label"
    with pytest.raises(UserError, match="--class-const-weight") as error:
        build(class_const_weight=-1.0)
    assert "\n" not in str(error.value)
    with pytest.raises(UserError, match="--class-const-target .*posterior, label") as error:
        build(class_const_target="logits")
    assert "\n" not in str(error.value)

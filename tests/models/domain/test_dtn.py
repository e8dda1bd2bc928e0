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

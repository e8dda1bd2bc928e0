"""PixelDTGAN and PG2 beyond the registry tests."""

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo.errors import UserError
from tfgan_zoo.registry import build_model


def compiled(name, **kwargs):
    model = build_model(name, seed=0, latent_dim=0, **kwargs)
    model.compile(g_optimizer=keras.optimizers.Adam(1e-2), d_optimizer=keras.optimizers.Adam(1e-2))
    model.build_for_training()
    return model


def step(model):
    return model.train_step(tuple(tf.constant(x) for x in model.example_data(4)))


@pytest.mark.parametrize("association", [True, False])
def test_pixeldtgan_figure_to_product(association):
    model = compiled("pixeldtgan", image_shape=(32, 32, 3), input_shape=(64, 64, 3), ngf=4,
                     ndf=4, association=association)
    before = model.association_discriminator.get_weights()
    step(model)
    moved = any(not np.array_equal(a, b)
                for a, b in zip(before, model.association_discriminator.get_weights()))
    assert moved == association  # the ablation never trains D_A
    assert model.translate(tf.zeros([2, 64, 64, 3])).shape == (2, 32, 32, 3)


def test_pixeldtgan_ema_converts_outside_training():
    """--ema-decay averages C (the core's EMA): C(figure) outside training,
    and the export, read the average; training reads the raw C."""
    model = compiled("pixeldtgan", image_shape=(32, 32, 3), input_shape=(64, 64, 3), ngf=4,
                     ndf=4, ema_decay=0.5)
    kernel = model.generator.weights[0].numpy()  # the first convolution's
    step(model)
    # one update with decay 0.5: the average sits halfway between the start and C
    np.testing.assert_allclose(model.generator_ema.weights[0].numpy(),
                               0.5 * kernel + 0.5 * model.generator.weights[0].numpy(),
                               atol=1e-6)
    figures = tf.constant(model.example_data(2)[0])
    averaged = model.generator_ema(figures, training=False)
    np.testing.assert_allclose(model.translate(figures), averaged, atol=1e-6)
    assert not np.allclose(averaged, model.generator(figures, training=False), atol=1e-4)
    np.testing.assert_allclose(model.translate(figures, training=True),
                               model.generator(figures, training=True), atol=1e-6)
    assert model.export_networks() == [model.generator_ema]


def test_pg2_stage_one_then_two(tmp_path):
    shape = dict(image_shape=(16, 8, 3), ngf=4, ndf=4, depth=2, bottleneck=8)
    first = compiled("pg2", stage=1, **shape)
    logs = step(first)
    assert set(logs) == {"g_loss", "mask_l1"}
    second = compiled("pg2", stage=2, **shape)
    g1 = second.stage1.get_weights()
    logs = step(second)
    assert set(logs) == {"d_loss", "g_loss", "g_gan", "mask_l1"}
    for a, b in zip(g1, second.stage1.get_weights()):  # G1 stays fixed in stage II
        np.testing.assert_array_equal(a, b)
    inputs = {k: tf.constant(v) for k, v in second.example_inputs(2).items()}
    out = second.generate_from(inputs)
    coarse = second.coarse(inputs["image"], inputs["pose"])
    refined = second.refine(inputs["image"], coarse)
    np.testing.assert_allclose(out, np.clip(refined, -1, 1), atol=1e-6)
    with pytest.raises(UserError, match="stages 1 and 2"):
        build_model("pg2", stage=3, **shape)
    with pytest.raises(UserError, match="--dataset poses"):
        second.unpack((tf.zeros([2, 16, 8, 3]), tf.zeros([2, 16, 8, 3])))

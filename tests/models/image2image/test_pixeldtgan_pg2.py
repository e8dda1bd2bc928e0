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


def converter_l1(model, data):
    """mean |C(x) - y| over pixels and examples, by hand, with C as it is
    before the step (training mode: batch statistics)."""
    fake = np.asarray(model.generator(tf.constant(data[0]), training=True), np.float64)
    return float(np.mean(np.abs(fake - data[1])))


def test_pixeldtgan_pixel_term_alone():
    """--no-adversarial --pixel-weight W: C's loss is W * L1 to the paired
    product, C moves, and neither discriminator trains."""
    model = compiled("pixeldtgan", image_shape=(32, 32, 3), input_shape=(64, 64, 3), ngf=4,
                     ndf=4, pixel_weight=2.5, adversarial=False)
    data = model.example_data(4)
    expected = converter_l1(model, data)
    judges = [n.get_weights() for n in (model.discriminator, model.association_discriminator)]
    before = model.generator.get_weights()
    logs = model.train_step(tuple(tf.constant(x) for x in data))
    assert float(logs["pixel"][0]) == pytest.approx(expected, rel=1e-5)
    assert float(logs["g_loss"][0]) == pytest.approx(2.5 * expected, rel=1e-5)
    assert float(logs["d_loss"][0]) == float(logs["real_fake"][0]) == 0.0
    for network, weights in zip((model.discriminator, model.association_discriminator), judges):
        for a, b in zip(weights, network.get_weights()):
            np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.generator.get_weights()))


@pytest.mark.parametrize("weight", [0.0, 3.0])
def test_pixeldtgan_pixel_term_beside_the_discriminators(weight):
    """C's loss is the mean of the two adversarial terms plus W * L1; at
    W = 0 (the paper) the L1 is tracked but adds nothing."""
    model = compiled("pixeldtgan", image_shape=(32, 32, 3), input_shape=(64, 64, 3), ngf=4,
                     ndf=4, pixel_weight=weight)
    logs = step(model)
    adversarial = 0.5 * (float(logs["real_fake"][0]) + float(logs["association"][0]))
    assert float(logs["pixel"][0]) > 0
    assert float(logs["g_loss"][0]) == pytest.approx(
        adversarial + weight * float(logs["pixel"][0]), rel=1e-5)


def test_pixeldtgan_pixel_options_round_trip_and_refuse_bad_values():
    from tfgan_zoo.config import parse_args
    from tfgan_zoo.recipes.pixeldtgan import RECIPE

    config = parse_args(RECIPE, ["--pixel-weight", "2", "--no-adversarial"])
    assert config.model_args["pixel_weight"] == 2 and config.model_args["adversarial"] is False
    assert parse_args(RECIPE, []).model_args["pixel_weight"] == 100.0  # the recipe's
    assert parse_args(RECIPE, ["--pixel-weight", "0"]).model_args["pixel_weight"] == 0.0
    assert build_model("pixeldtgan", latent_dim=0, image_shape=(32, 32, 3),
                       input_shape=(64, 64, 3), ngf=4, ndf=4).pixel_weight == 0.0  # the paper's
    model = build_model("pixeldtgan", seed=0, latent_dim=0, image_shape=(32, 32, 3),
                        input_shape=(64, 64, 3), ngf=4, ndf=4, pixel_weight=2.0,
                        adversarial=False)
    again = type(model).from_config(model.get_config())
    assert (again.pixel_weight, again.adversarial) == (2.0, False)
    shape = dict(image_shape=(32, 32, 3), input_shape=(64, 64, 3), ngf=4, ndf=4)
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(UserError, match="--pixel-weight") as error:
            build_model("pixeldtgan", latent_dim=0, pixel_weight=bad, **shape)
        assert "\n" not in str(error.value)
    with pytest.raises(UserError, match="pass --pixel-weight > 0") as error:
        build_model("pixeldtgan", latent_dim=0, adversarial=False, **shape)
    assert "\n" not in str(error.value)


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

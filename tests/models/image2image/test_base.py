"""What the image-to-image models share (tfgan_zoo.models.image2image.base):
the learning-rate decay on every optimizer, the data each model refuses,
and the extra signatures (uint8 in, translate back)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.export.graph import write_graph
from tfgan_zoo.optimizers import LinearDecay
from tfgan_zoo.registry import build_model

TINY_CYCLEGAN = dict(ngf=4, ndf=4, n_blocks=1, d_layers=1)


def test_models_install_the_decay_on_every_optimizer():
    model = build_model("cyclegan", image_shape=(16, 16, 3), total_steps=8, **TINY_CYCLEGAN)
    model.compile(g_optimizer=keras.optimizers.Adam(2e-4),
                  d_optimizer=keras.optimizers.Adam(1e-4))
    for optimizer, lr in ((model.g_optimizer, 2e-4), (model.d_optimizer, 1e-4)):
        assert isinstance(optimizer._learning_rate, LinearDecay)
        assert float(optimizer._learning_rate(4)) == pytest.approx(lr)
        assert float(optimizer._learning_rate(6)) == pytest.approx(lr / 2)


def test_the_decay_reaches_a_third_players_optimizer_and_its_checkpoint_attribute():
    """A third player's scheduled copy (BicycleGAN's encoder) is the one
    training uses and the attribute checkpoints track."""
    model = build_model("bicyclegan", image_shape=(16, 16, 3), total_steps=8, decay_after=0.5,
                        ngf=4, ndf=4, nef=4, d_layers=1, encoder_blocks=1)
    model.compile(g_optimizer=keras.optimizers.Adam(2e-4),
                  d_optimizer=keras.optimizers.Adam(2e-4),
                  encoder_optimizer=keras.optimizers.Adam(1e-4))
    assert model.encoder_optimizer is model.player_optimizers["encoder"]
    assert float(model.encoder_optimizer._learning_rate(6)) == pytest.approx(5e-5)


def test_models_refuse_data_they_cannot_learn_from():
    with pytest.raises(UserError, match="unpaired.*cyclegan"):
        build_model("pix2pix", image_shape=(16, 16, 3), paired=False)
    model = build_model("pix2pix", image_shape=(16, 16, 3), ngf=4, ndf=4, d_layers=1)
    with pytest.raises(UserError, match="source, target"):
        model.unpack(tf.zeros((2, 16, 16, 3)))
    with pytest.raises(UserError, match="source, target"):
        model.unpack((tf.zeros((2, 16, 16, 3)), tf.zeros((2,), tf.int32)))
    with pytest.raises(UserError, match="no latent code"):
        build_model("pix2pix", image_shape=(16, 16, 3), latent_dim=8)
    with pytest.raises(UserError, match="identity-weight 0"):
        build_model("cyclegan", image_shape=(16, 16, 3), input_shape=(16, 16, 1))
    build_model("cyclegan", image_shape=(16, 16, 3), input_shape=(16, 16, 1),
                identity_weight=0, **TINY_CYCLEGAN)


def test_uint8_and_translate_back_signatures(tmp_path):
    model = build_model("cyclegan", image_shape=(16, 16, 3), **TINY_CYCLEGAN)
    model.build_networks()
    write_graph(model, tmp_path / "m")
    signatures = tf.saved_model.load(str(tmp_path / "m")).signatures
    pixels = np.random.default_rng(0).integers(0, 256, (2, 16, 16, 3), dtype=np.uint8)
    scaled = pixels.astype(np.float32) / 127.5 - 1.0
    from_uint8 = signatures["serving_uint8"](image=tf.constant(pixels))
    from_float = signatures["serving_default"](image=tf.constant(scaled))
    np.testing.assert_allclose(from_uint8["images_float"], from_float["images_float"],
                               atol=1e-6)
    back = signatures["translate_back"](image=tf.constant(scaled))["images_float"]
    np.testing.assert_allclose(back, model.translate_back(scaled).numpy(), atol=1e-5)

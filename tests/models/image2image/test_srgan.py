"""SRGAN (Ledig et al. 2017): shapes and errors, SRResNet pre-training on
the pixel MSE before the adversarial phase, any-size SavedModel and
fixed-tile LiteRT, and the VGG54 content loss over a weights file."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.export import tflite
from tfgan_zoo.export.graph import write_graph
from tfgan_zoo.models.image2image.srgan import SRGAN

SMALL_SRGAN = dict(filters=8, num_blocks=1, ndf=4)


def compiled(model, lr=1e-3):
    model.compile(g_optimizer=keras.optimizers.Adam(lr),
                  d_optimizer=keras.optimizers.Adam(lr))
    model.build_for_training()
    return model


def pairs(model, n=16, batch=4):
    return (tf.data.Dataset.from_tensor_slices(model.example_data(n))
            .batch(batch, drop_remainder=True).repeat())


def test_srgan_shapes_and_errors():
    model = SRGAN(image_shape=(32, 32, 3), **SMALL_SRGAN)
    assert model.input_shape == (8, 8, 3) and model.content_loss == "pixel_mse"
    # The fallback is named for what it is, and says why.
    assert model.content_loss_name.startswith("pixel MSE (no VGG19 weights")
    assert "content_vgg54" not in model.loss_names
    with pytest.raises(UserError, match="divisible by 4"):
        SRGAN(image_shape=(30, 30, 3))
    with pytest.raises(UserError, match="4 times"):
        SRGAN(image_shape=(32, 32, 3), input_shape=(16, 16, 3))
    with pytest.raises(UserError, match="content loss"):
        SRGAN(image_shape=(32, 32, 3), content_loss="lpips")
    with pytest.raises(UserError, match="--vgg-weights"):
        SRGAN(image_shape=(32, 32, 3), content_loss="vgg54")


def test_srgan_pretrains_on_mse_then_switches_to_adversarial():
    model = compiled(SRGAN(image_shape=(16, 16, 1), pretrain_steps=2, seed=0,
                           **SMALL_SRGAN))
    d_before = [w.numpy().copy() for w in model.discriminator.trainable_weights]
    g_before = [w.numpy().copy() for w in model.generator.trainable_weights]
    logs = model.fit(pairs(model), steps_per_epoch=2, epochs=1, verbose=0).history
    # Pre-training: G learns the pixel MSE, D is never touched.
    assert logs["g_loss"] == logs["pixel_mse"] and logs["d_loss"] == [0.0]
    assert int(model.d_optimizer.iterations) == 0 and model.pretraining() is False
    assert all(np.array_equal(b, w.numpy()) for b, w in
               zip(d_before, model.discriminator.trainable_weights))
    assert any(not np.allclose(b, w.numpy()) for b, w in
               zip(g_before, model.generator.trainable_weights))
    logs = model.fit(pairs(model), steps_per_epoch=2, epochs=1, verbose=0).history
    assert int(model.d_optimizer.iterations) == 2
    assert int(model.g_optimizer.iterations) == 4
    assert logs["d_loss"][0] > 0 and logs["adversarial_loss"][0] > 0
    assert logs["g_loss"][0] != logs["pixel_mse"][0]
    assert any(not np.allclose(b, w.numpy()) for b, w in
               zip(d_before, model.discriminator.trainable_weights))


def test_srgan_saved_model_takes_any_size_and_tflite_a_fixed_tile(tmp_path):
    model = SRGAN(image_shape=(16, 16, 3), seed=0, **SMALL_SRGAN)
    model.build_networks()
    write_graph(model, tmp_path / "sm")
    serve = tf.saved_model.load(str(tmp_path / "sm")).signatures["serving_default"]
    for h, w in [(4, 4), (6, 5)]:
        x = np.random.default_rng(h).uniform(-1, 1, (1, h, w, 3)).astype("float32")
        out = serve(image=tf.constant(x))["images_float"].numpy()
        assert out.shape == (1, 4 * h, 4 * w, 3)
        np.testing.assert_allclose(out, model.upscale(x), atol=1e-5)
    blob = tflite.convert(model)
    details = tflite.io_details(blob)
    assert details["inputs"]["image"]["shape"] == [1, 4, 4, 3]
    assert details["outputs"]["images_float"]["shape"] == [1, 16, 16, 3]
    assert "DEPTH_TO_SPACE" in tflite.operators(blob)[0]


def test_srgan_vgg54_content_loss(tmp_path):
    # A VGG19 (include_top=False) weights file with random weights: the
    # format of ImageNet weights, without the download.
    weights = tmp_path / "vgg19.weights.h5"
    keras.applications.VGG19(include_top=False, weights=None).save_weights(weights)
    with pytest.raises(UserError, match="RGB"):
        SRGAN(image_shape=(16, 16, 1), vgg_weights=str(weights), **SMALL_SRGAN)
    model = compiled(SRGAN(image_shape=(16, 16, 3), vgg_weights=str(weights),
                           pretrain_steps=0, seed=0, **SMALL_SRGAN))
    assert model.content_loss == "vgg54" and "VGG19" in model.content_loss_name
    assert "content_vgg54" in model.loss_names
    features = model.vgg(tf.zeros([1, 16, 16, 3]))
    assert features.shape == (1, 1, 1, 512)  # block5_conv4: 1/16 of the side
    logs = model.fit(pairs(model), steps_per_epoch=1, epochs=1, verbose=0).history
    assert logs["content_vgg54"][0] > 0
    expected = (logs["content_vgg54"][0] + 1e-3 * logs["adversarial_loss"][0]
                + 2e-8 * logs["tv_loss"][0])
    assert logs["g_loss"][0] == pytest.approx(expected, rel=1e-5)
    # The frozen VGG is not part of the model's weights or checkpoints.
    assert not any("block5_conv4" in w.path for w in model.weights)

"""MUNIT, BicycleGAN, SRGAN and the Context Encoder: their layers and losses
against hand-computed values, and the behaviour each paper relies on.

The generic build / train / export tests for these models run through the
registry (tests/test_models.py, tests/test_export.py); these cover what is
particular to each: AdaIN statistics, pixel shuffle and its TFLite
conversion, the TV regulariser, inpainting masks, VGG19 weights files,
SRGAN's pre-training -> adversarial switch, multimodal outputs."""

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo import layers_restoration as lr
from tfgan_zoo.errors import UserError
from tfgan_zoo.export import tflite
from tfgan_zoo.export import graph as sm
from tfgan_zoo.models.image2image.bicyclegan import BicycleGAN
from tfgan_zoo.models.image2image.context_encoder import ContextEncoder
from tfgan_zoo.losses import masked_mse
from tfgan_zoo.models.image2image.munit import MUNIT
from tfgan_zoo.models.image2image.srgan import SRGAN

SMALL_SRGAN = dict(filters=8, num_blocks=1, ndf=4)


def compiled(model, lr_=1e-3):
    model.compile(g_optimizer=keras.optimizers.Adam(lr_),
                  d_optimizer=keras.optimizers.Adam(lr_),
                  **{f"{p}_optimizer": keras.optimizers.Adam(lr_)
                     for p in model.players[2:]})
    model.build_for_training()
    return model


def pairs(model, n=16, batch=4):
    return (tf.data.Dataset.from_tensor_slices(model.example_data(n))
            .batch(batch, drop_remainder=True).repeat())


# ------------------------------------------------------------------ AdaIN
def test_adain_output_statistics_are_the_style_parameters():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.5, (2, 8, 8, 3)).astype("float32")
    gamma = np.array([[2.0, 0.5, 1.0], [0.3, 4.0, 1.5]], "float32")
    beta = np.array([[-1.0, 0.0, 3.0], [5.0, -2.0, 0.25]], "float32")
    # Parameters after an offset, as the decoder's MLP lays them out.
    params = np.concatenate([np.zeros((2, 4), "float32"), gamma, beta], axis=1)
    y = lr.AdaptiveInstanceNorm(offset=4, epsilon=1e-8)([x, params]).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2)), beta, atol=1e-4)
    np.testing.assert_allclose(y.std(axis=(1, 2)), gamma, rtol=1e-4)
    # Only the statistics change: the normalised pattern is x's own.
    z = (x - x.mean((1, 2), keepdims=True)) / x.std((1, 2), keepdims=True)
    np.testing.assert_allclose(y, gamma[:, None, None] * z + beta[:, None, None],
                               atol=1e-4)


def test_layer_norm_2d_normalises_over_space_and_channels():
    x = np.random.default_rng(1).normal(2, 3, (2, 4, 4, 5)).astype("float32")
    y = lr.LayerNorm2D(epsilon=1e-8)(x).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=(1, 2, 3)), 1, rtol=1e-4)


# ---------------------------------------------------------- pixel shuffle
def test_pixel_shuffle_is_depth_to_space():
    x = np.arange(1 * 2 * 3 * 8, dtype="float32").reshape(1, 2, 3, 8)
    y = lr.PixelShuffle(2)(x).numpy()
    assert y.shape == (1, 4, 6, 2)
    # Output pixel (2i + a, 2j + b), channel c reads input channel (2a + b) * 2 + c.
    for i, j, a, b, c in [(0, 0, 0, 0, 0), (1, 2, 1, 0, 1), (0, 1, 1, 1, 0)]:
        assert y[0, 2 * i + a, 2 * j + b, c] == x[0, i, j, (2 * a + b) * 2 + c]


def test_srresnet_upsamples_any_size_by_the_scale():
    generator = lr.srresnet_generator(channels=3, scale=4, filters=8, num_blocks=1)
    for h, w in [(4, 4), (5, 7)]:
        assert generator(tf.zeros([2, h, w, 3])).shape == (2, 4 * h, 4 * w, 3)
    with pytest.raises(UserError, match="power of two"):
        lr.srresnet_generator(scale=3)


def test_srresnet_converts_to_tflite_builtins():
    generator = lr.srresnet_generator(channels=3, scale=4, filters=8, num_blocks=1)
    tile = keras.Input((6, 6, 3), batch_size=1)
    converter = tf.lite.TFLiteConverter.from_keras_model(
        keras.Model(tile, generator(tile)))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    blob = converter.convert()
    builtin, custom = tflite.operators(blob)
    assert custom == [] and "DEPTH_TO_SPACE" in builtin, builtin
    x = np.random.default_rng(0).uniform(-1, 1, (1, 6, 6, 3)).astype("float32")
    interpreter = tflite.interpreter(blob)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    out = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    assert out.shape == (1, 24, 24, 3)
    np.testing.assert_allclose(out, generator(x).numpy(), atol=1e-5)


# ------------------------------------------------------------- TV and losses
def test_total_variation_hand_values():
    # One pixel with both neighbours: dx = 1, dy = 2 -> sqrt(5).
    image = tf.constant([[[0.0], [1.0]], [[2.0], [3.0]]])[None]
    assert lr.total_variation(image, epsilon=0.0).numpy() == pytest.approx(5 ** 0.5)
    # 3x3, two channels: mean over the 2x2 positions and both channels.
    a = np.array([[0, 1, 3], [1, 1, 1], [4, 0, 2]], "float32")
    image = np.stack([a, 2 * a], axis=-1)[None]
    grads = [np.hypot(a[i, j + 1] - a[i, j], a[i + 1, j] - a[i, j])
             for i in range(2) for j in range(2)]
    expected = (np.mean(grads) + 2 * np.mean(grads)) / 2
    assert lr.total_variation(image, epsilon=0.0).numpy() == pytest.approx(expected)
    flat = lr.total_variation(tf.ones([2, 4, 4, 3]), reduce=lambda v: v).numpy()
    np.testing.assert_allclose(flat, [1e-4, 1e-4], rtol=1e-3)  # sqrt(epsilon)


def test_masked_mse_counts_only_the_hole():
    target = np.zeros((1, 4, 4, 2), "float32")
    prediction = np.full((1, 4, 4, 2), 5.0, "float32")
    prediction[0, 1:3, 1:3] = 2.0          # the hole: error 2^2 = 4
    mask = np.zeros((1, 4, 4, 1), "float32")
    mask[0, 1:3, 1:3] = 1.0
    assert masked_mse(prediction, target, mask).numpy() == pytest.approx(4.0)


# ------------------------------------------------------------------ masks
def test_center_mask_is_the_central_quarter():
    mask = lr.center_mask(32, 32).numpy()
    assert mask.shape == (32, 32, 1) and set(np.unique(mask)) == {0.0, 1.0}
    assert mask.sum() == 16 * 16
    assert mask[8:24, 8:24].all() and mask[:8].sum() == mask[24:].sum() == 0
    assert lr.center_mask(30, 20, fraction=0.5).numpy().sum() == 15 * 10
    with pytest.raises(UserError, match="fraction"):
        lr.center_mask(8, 8, fraction=1.0)


def test_random_block_masks():
    masks = lr.random_block_masks(64, 32, 32, seed=tf.constant([3, 4])).numpy()
    assert masks.shape == (64, 32, 32, 1) and set(np.unique(masks)) <= {0.0, 1.0}
    coverage = masks.mean(axis=(1, 2, 3))
    assert coverage.min() > 0 and coverage.max() <= 0.25
    assert len({m.tobytes() for m in masks}) == 64  # every example its own
    again = lr.random_block_masks(64, 32, 32, seed=tf.constant([3, 4])).numpy()
    np.testing.assert_array_equal(masks, again)
    other = lr.random_block_masks(64, 32, 32, seed=tf.constant([3, 5])).numpy()
    assert not np.array_equal(masks, other)
    # Block sides lie in [32/8, 32/4] = [4, 8]: a 4x4 block fits in every mask.
    rows = masks[..., 0].any(axis=2).sum(axis=1)
    assert rows.min() >= 4


def test_context_encoder_keeps_the_context_and_fills_the_hole():
    model = ContextEncoder(image_shape=(16, 16, 3), ngf=8, ndf=8, seed=0)
    model.build_networks()
    images = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    mask = np.broadcast_to(lr.center_mask(16, 16).numpy(), (2, 16, 16, 1))
    out = model.inpaint(images, mask).numpy()
    np.testing.assert_array_equal(out[mask[..., 0] == 0], images[mask[..., 0] == 0])
    assert not np.allclose(out[:, 4:12, 4:12], images[:, 4:12, 4:12])
    # The hole's pixels never reach the generator.
    changed = images.copy()
    changed[:, 4:12, 4:12] = 0.7
    np.testing.assert_allclose(model.inpaint(changed, mask).numpy()[:, 4:12, 4:12],
                               out[:, 4:12, 4:12], atol=1e-6)
    # translate() finds the hole of an `inpaint` dataset source (exact zeros).
    source = np.where(mask == 1, 0.0, images).astype("float32")
    np.testing.assert_allclose(model.translate(source).numpy(), out, atol=1e-6)
    with pytest.raises(UserError, match="unknown mask"):
        ContextEncoder(image_shape=(16, 16, 3), mask="ring")
    with pytest.raises(UserError, match="image sides"):
        ContextEncoder(image_shape=(6, 6, 3))


# ------------------------------------------------------------------ SRGAN
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
    sm.write_saved_model(model, tmp_path / "sm")
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


@pytest.fixture(scope="module")
def vgg19_weights(tmp_path_factory):
    """A VGG19 (include_top=False) weights file with random weights: the
    format of ImageNet weights, without the download."""
    path = tmp_path_factory.mktemp("vgg") / "vgg19.weights.h5"
    keras.applications.VGG19(include_top=False, weights=None).save_weights(path)
    return path


def test_vgg_weights_of_the_wrong_shape_are_a_user_error(tmp_path):
    wrong = tmp_path / "vgg16.weights.h5"  # a plausible mix-up: VGG16's file
    keras.applications.VGG16(include_top=False, weights=None).save_weights(wrong)
    with pytest.raises(UserError, match="does not hold VGG19 weights") as info:
        SRGAN(image_shape=(16, 16, 3), vgg_weights=str(wrong), **SMALL_SRGAN)
    assert "\n" not in str(info.value) and "value.shape=(3, 3, 256, 512)" in str(info.value)
    garbage = tmp_path / "garbage.weights.h5"
    garbage.write_bytes(b"not an h5 file")
    with pytest.raises(UserError, match="does not hold VGG19 weights"):
        SRGAN(image_shape=(16, 16, 3), vgg_weights=str(garbage), **SMALL_SRGAN)
    with pytest.raises(UserError, match="not found"):
        SRGAN(image_shape=(16, 16, 3), vgg_weights=str(tmp_path / "none.h5"))


def test_srgan_vgg54_content_loss(vgg19_weights):
    with pytest.raises(UserError, match="RGB"):
        SRGAN(image_shape=(16, 16, 1), vgg_weights=str(vgg19_weights), **SMALL_SRGAN)
    model = compiled(SRGAN(image_shape=(16, 16, 3), vgg_weights=str(vgg19_weights),
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


# ------------------------------------------------------ multimodal models
def test_munit_different_styles_give_different_outputs():
    model = MUNIT(image_shape=(16, 16, 3), style_dim=4, dim=8, n_res=1,
                  style_downsample=2, mlp_dim=16, ndf=4, d_layers=2, d_scales=2, seed=0)
    image = np.random.default_rng(0).uniform(-1, 1, (16, 16, 3)).astype("float32")
    outputs = model.sample_styles(image, 4, seed=1)
    assert outputs.shape == (4, 16, 16, 3)
    for i in range(4):
        for j in range(i + 1, 4):
            assert np.abs(outputs[i] - outputs[j]).mean() > 1e-4
    np.testing.assert_array_equal(outputs, model.sample_styles(image, 4, seed=1))
    # The style acts only through AdaIN: one style, one output.
    style = np.tile(np.random.default_rng(2).standard_normal((1, 4)), (2, 1))
    same = model.translate(np.stack([image, image]), style).numpy()
    np.testing.assert_allclose(same[0], same[1], atol=1e-6)
    assert set(model.generator_input_spec()) == {"image", "style"}
    assert model.encode_style(image[None]).shape == (1, 4)


def test_bicyclegan_z_changes_the_output_and_e_encodes():
    model = BicycleGAN(image_shape=(16, 16, 3), ngf=8, ndf=8, nef=8, d_layers=2,
                       encoder_blocks=2, seed=0)
    image = np.random.default_rng(0).uniform(-1, 1, (16, 16, 3)).astype("float32")
    outputs = model.sample_outputs(image, 3, seed=1)
    assert outputs.shape == (3, 16, 16, 3)
    assert np.abs(outputs[0] - outputs[1]).mean() > 1e-4
    assert model.encode(image[None]).shape == (1, 8)
    assert model.players == ("generator", "discriminator", "encoder")

"""Restoration networks (tfgan_zoo.networks.restoration): SRResNet upsamples
any size by its scale and converts to built-in LiteRT ops, and a VGG19
weights file of the wrong kind is a one-line UserError."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.export import tflite
from tfgan_zoo.networks.restoration import VGGContent, srresnet_generator


def test_srresnet_upsamples_any_size_by_the_scale():
    generator = srresnet_generator(channels=3, scale=4, filters=8, num_blocks=1)
    for h, w in [(4, 4), (5, 7)]:
        assert generator(tf.zeros([2, h, w, 3])).shape == (2, 4 * h, 4 * w, 3)
    with pytest.raises(UserError, match="power of two"):
        srresnet_generator(scale=3)


def test_srresnet_converts_to_tflite_builtins():
    generator = srresnet_generator(channels=3, scale=4, filters=8, num_blocks=1)
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


def test_vgg_weights_of_the_wrong_shape_are_a_user_error(tmp_path):
    wrong = tmp_path / "vgg16.weights.h5"  # a plausible mix-up: VGG16's file
    keras.applications.VGG16(include_top=False, weights=None).save_weights(wrong)
    with pytest.raises(UserError, match="does not hold VGG19 weights") as info:
        VGGContent(wrong)
    assert "\n" not in str(info.value) and "value.shape=(3, 3, 256, 512)" in str(info.value)
    garbage = tmp_path / "garbage.weights.h5"
    garbage.write_bytes(b"not an h5 file")
    with pytest.raises(UserError, match="does not hold VGG19 weights"):
        VGGContent(garbage)
    with pytest.raises(UserError, match="not found"):
        VGGContent(tmp_path / "none.h5")

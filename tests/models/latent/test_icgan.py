"""IcGAN: the conditional DCGAN's label placement, edits through the
encoders, the exported `encode` / `edit` signatures (float and uint8,
plain TensorFlow) against Keras, and the bad inputs."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.export.graph import write_graph
from tfgan_zoo.networks.dcgan import dcgan_discriminator
from tests.support.models import SHAPE, build_for_export, one_line_error


def test_label_is_tiled_into_the_first_conv_output():
    d = dcgan_discriminator((16, 16, 1), ndf=4, num_classes=10)
    concat = next(layer for layer in d.layers if "concatenate" in layer.name)
    assert concat.output.shape[1:] == (8, 8, 4 + 10)  # first stage: 16 -> 8
    x = np.zeros((2, 16, 16, 1), np.float32)
    assert not np.allclose(d([x, np.array([0, 0])]), d([x, np.array([3, 7])]))


@pytest.fixture(scope="module")
def model():
    return build_for_export("icgan")


def test_edit_is_g_of_encoded_z_and_new_label(model):
    x = np.random.default_rng(0).uniform(-1, 1, (3, *SHAPE)).astype("float32")
    y = np.array([1, 5, 9], np.int32)
    np.testing.assert_allclose(model.edit(x, y), model.generate(model.encode(x), y), atol=1e-6)
    np.testing.assert_allclose(model.edit(x), model.edit(x, model.encode_label(x)), atol=1e-6)


def test_exported_encode_and_edit_match_keras(model, tmp_path):
    write_graph(model, tmp_path / "sm")
    loaded = tf.saved_model.load(str(tmp_path / "sm"))
    pixels = np.random.default_rng(1).integers(0, 256, (2, *SHAPE)).astype(np.uint8)
    x, y = pixels.astype("float32") / 127.5 - 1.0, np.array([2, 7], np.int32)
    served = loaded.signatures["edit_uint8"](image=tf.constant(pixels), label=tf.constant(y))
    np.testing.assert_allclose(served["images_float"], model.edit(x, y), atol=1e-5)
    encoded = loaded.signatures["encode"](image=tf.constant(x))
    np.testing.assert_array_equal(encoded["label"], model.encode_label(x))
    with pytest.raises(tf.errors.InvalidArgumentError, match="label must be at most 9"):
        loaded.signatures["edit"](image=tf.constant(x), label=tf.constant([2, 10]))


def test_bad_inputs_are_one_line_errors(model):
    x = np.zeros((1, *SHAPE), np.float32)
    with pytest.raises(UserError) as excinfo:
        model.edit(x, [10])
    one_line_error(excinfo, "classes 0-9", "[10]")
    with pytest.raises(UserError) as excinfo:
        model.encode(np.zeros((1, 16, 16, 3), np.float32))
    one_line_error(excinfo, "[1, 16, 16, 3]")

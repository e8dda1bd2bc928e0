"""Networks of the domain family (tfgan_zoo.networks.domain)."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks import domain


def test_gradient_reversal_is_identity_forward_and_negated_scaled_backward():
    x = tf.constant([[1.0, -2.0, 3.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = domain.reverse_gradient(x, 0.25)
        loss = tf.reduce_sum(y * tf.constant([[1.0, 2.0, 3.0]]))
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), [[-0.25, -0.5, -0.75]])


def test_digit_encoders_of_dann_and_adda():
    assert domain.digit_encoder((28, 28, 3)).output_shape == (None, 7 * 7 * 48)
    lenet = domain.digit_encoder((28, 28, 3), (20, 50), padding="valid", dense=500)
    assert lenet.output_shape == (None, 500)
    with pytest.raises(UserError, match="larger --image-size"):
        domain.digit_encoder((8, 8, 1), (20, 50), padding="valid")


@pytest.mark.parametrize("source, target", [((64, 64, 3), (32, 32, 3)), ((16, 16, 1), (16, 16, 1))])
def test_converter_maps_between_sizes(source, target):
    net = domain.converter(source, target, 4)
    assert net.output_shape == (None,) + target
    with pytest.raises(UserError, match="power-of-two"):
        domain.converter((48, 48, 3), target, 4)


def test_dtn_networks_and_pose_unet():
    f = domain.content_encoder((32, 32, 3), 8, 16)
    g = domain.feature_decoder(16, (32, 32, 3), 8)
    d = domain.class_discriminator((32, 32, 3), 8, 3)
    assert f.output_shape == (None, 16) and g.output_shape == (None, 32, 32, 3)
    assert d.output_shape == (None, 3)
    unet = domain.pose_unet((64, 32, 17), 3, 4, 3, 8, activation=None)
    assert unet.output_shape == (None, 64, 32, 3)
    with pytest.raises(UserError, match="divisible by 8"):
        domain.content_encoder((28, 28, 3))

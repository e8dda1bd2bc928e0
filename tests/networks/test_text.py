"""Text-to-image building blocks (tfgan_zoo.networks.text) against
hand-computed values: FiLM in StackGAN's up block, the projection
discriminator with its auxiliary head, and GAWWN's box masks."""

import keras
import numpy as np
import tensorflow as tf
from keras import layers

import pytest

from tfgan_zoo.networks.text import (BoxMask, NearestUpConv2D, projection_discriminator,
                                     up_block)


@pytest.mark.parametrize("subpixel", [False, True])
def test_film_up_block_by_hand(subpixel):
    """FiLM: the up block's batch norm, with no scale or shift of its own,
    is scaled by 1 + gamma(c) and shifted by beta(c) per channel; gamma
    starts at zero, so a new block begins as an unscaled plain one. The
    sub-pixel block computes the same."""
    x_in, c_in = keras.Input((2, 2, 3)), keras.Input((4,))
    block = keras.Model([x_in, c_in], up_block(x_in, 5, c_in, subpixel=subpixel))
    conv, = [l for l in block.layers if isinstance(l, layers.Conv2D)]
    norm, = [l for l in block.layers if isinstance(l, layers.BatchNormalization)]
    to_gamma, to_beta = [l for l in block.layers if isinstance(l, layers.Dense)]
    assert not np.any(to_gamma.kernel.numpy()) and not (norm.scale or norm.center)
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(3, 3, 3, 5)).astype("float32")
    mean, var = rng.normal(size=5), rng.uniform(0.5, 2.0, 5)
    wg, bg, wb, bb = (rng.normal(size=s) for s in ((4, 5), 5, (4, 5), 5))
    conv.set_weights([kernel])
    norm.set_weights([mean, var])
    to_gamma.set_weights([wg, bg])
    to_beta.set_weights([wb, bb])
    x = rng.normal(size=(2, 2, 2, 3)).astype("float32")
    c = rng.normal(size=(2, 4)).astype("float32")
    up = np.repeat(np.repeat(x, 2, axis=1), 2, axis=2)
    x_hat = (tf.nn.conv2d(up, kernel, 1, "SAME").numpy() - mean) / np.sqrt(var + 1e-5)
    expected = np.maximum(x_hat * (1 + c @ wg + bg)[:, None, None] + (c @ wb + bb)[:, None, None],
                          0)
    np.testing.assert_allclose(block([x, c], training=False), expected, rtol=1e-4, atol=1e-4)


def test_nearest_up_conv_is_upsampling_then_convolution():
    """NearestUpConv2D computes UpSampling2D(2) + a 3x3 'same' convolution
    with the same kernel, borders included, and has the same gradients for
    the kernel and the input; any other convolution is refused."""
    rng = np.random.default_rng(1)
    x = tf.constant(rng.normal(size=(2, 3, 5, 4)).astype("float32"))
    layer = NearestUpConv2D(6)
    layer.build(x.shape)
    kernel = rng.normal(size=(3, 3, 4, 6)).astype("float32")
    layer.kernel.assign(kernel)
    weight = tf.constant(rng.normal(size=(2, 6, 10, 6)).astype("float32"))

    def both(x):
        up = tf.repeat(tf.repeat(x, 2, axis=1), 2, axis=2)
        return layer(x), tf.nn.conv2d(up, layer.kernel, 1, "SAME")

    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        ours, reference = both(x)
        ours_loss, reference_loss = (tf.reduce_sum(y * weight) for y in (ours, reference))
    assert ours.shape == (2, 6, 10, 6) and layer.compute_output_shape(x.shape)[1:] == (6, 10, 6)
    np.testing.assert_allclose(ours, reference, atol=1e-4)
    for target in (x, layer.kernel):
        np.testing.assert_allclose(tape.gradient(ours_loss, target),
                                   tape.gradient(reference_loss, target), rtol=1e-4, atol=1e-3)
    with pytest.raises(ValueError, match="3x3 'same'"):
        NearestUpConv2D(6, kernel_size=5)


def test_projection_discriminator_by_hand():
    """logit = w^T h + b + (V phi)^T h, h the pooled image features; the
    auxiliary classifier reads h too."""
    d = projection_discriminator((8, 8, 3), 6, 4, classes=(2, 3))
    rng = np.random.default_rng(1)
    for layer in d.layers:  # away from the initial zero biases
        layer.set_weights([rng.normal(size=w.shape) for w in layer.get_weights()])
    image = rng.normal(size=(3, 8, 8, 3)).astype("float32")
    phi = rng.normal(size=(3, 6)).astype("float32")
    h = keras.Model(d.inputs[0], d.get_layer("pooled_features").output)(image, training=False)
    h = h.numpy()
    w, b = d.get_layer("linear").get_weights()
    v, = d.get_layer("projection").get_weights()
    wc, bc = d.get_layer("class_logits").get_weights()
    logit, classes = d([image, phi], training=False)
    np.testing.assert_allclose(logit, h @ w + b + np.sum((phi @ v) * h, -1, keepdims=True),
                               rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(classes, h @ wc + bc, rtol=1e-4, atol=1e-4)
    assert d([image, phi * 0], training=False)[0].shape == (3, 1)


def test_box_mask_covers_the_boxes():
    boxes = np.array([[[0.0, 0.0, 0.5, 0.5], [0, 0, 0, 0]]], np.float32)  # 2nd absent
    mask = BoxMask(8)(boxes).numpy()[0, ..., 0]
    assert mask[:4, :4].min() > 0.7 and mask[1:3, 1:3].min() > 0.95
    assert mask[4:].max() < 0.2 and mask[:, 4:].max() < 0.2

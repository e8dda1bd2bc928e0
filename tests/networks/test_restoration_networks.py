"""Restoration building blocks: DAGAN's refinement, the identity-initialised
context-aggregation layers, and size errors."""

import numpy as np
import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks import restoration as nets

X = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype("float32")


def test_refinement_adds_the_input_and_clips():
    np.testing.assert_array_equal(nets.RefineAdd()([X, X]), np.clip(2 * X, -1, 1))
    model = nets.refinement_unet((16, 16, 3), ngf=4)
    unet = model.get_layer("generator_unet")
    np.testing.assert_allclose(model(X), np.clip(unet(X) + X, -1, 1), atol=1e-6)


def test_context_aggregation_layers_start_as_identities():
    kernel = nets.IdentityInitializer()((3, 3, 4, 6))
    assert float(kernel[1, 1, 2, 2]) == 1.0 and float(np.abs(kernel).sum()) == 4.0
    for kind in nets.ADAPTIVE_NORMS:
        np.testing.assert_allclose(nets.AdaptiveNorm(kind)(X, training=True), X)  # w0 1, w1 0
    with pytest.raises(UserError, match="choose instance or batch"):
        nets.AdaptiveNorm("group")
    # With identity kernels the image passes the LeakyReLU layers unchanged
    # on [0, 1], and T's half of the last 1x1 convolution too: T starts as
    # the blend, R as a random projection of it.
    model = nets.context_aggregation_network((16, 16, 3), width=8, rates=(1, 2))
    out = np.asarray(model(X))
    assert out.shape == (2, 16, 16, 6)
    np.testing.assert_allclose(out[..., :3], X, atol=1e-6)
    assert float(np.abs(out[..., 3:] - X).mean()) > 0.1


def test_instance_adaptive_norm_is_per_image_in_training_and_inference():
    # The reference's slim.batch_norm on a batch of one image: an image's
    # output depends neither on the batch it is in nor on the mode.
    norm = nets.AdaptiveNorm("instance")
    norm.build(X.shape)
    norm.w1.assign(1.0)
    one = np.asarray(norm(X[:1], training=False))
    np.testing.assert_allclose(norm(X, training=True)[:1], one, atol=1e-5)
    normed = one - X[:1]  # w0 x + w1 IN(x), minus x: zero mean, unit variance per channel
    np.testing.assert_allclose(normed.mean(axis=(1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(normed.std(axis=(1, 2)), 1, atol=1e-3)


def test_residual_dense_generator_adds_its_input():
    model = nets.dense_encoder_decoder((16, 16, 3), 3, ngf=4, growth=2, block_layers=1,
                                       residual=True)
    body = type(model)(model.input, model.get_layer("residual").input[0])
    np.testing.assert_allclose(model(X), np.clip(body(X) + X, -1, 1), atol=1e-6)
    with pytest.raises(UserError, match="--residual False"):
        nets.dense_encoder_decoder((16, 16, 1), 3, residual=True)


@pytest.mark.parametrize("build, message", [
    (lambda: nets.dense_encoder_decoder((18, 18, 3), 3, depth=2), "divisible by 4"),
    (lambda: nets.dagan_discriminator((6, 6, 1)), "at least 8"),
])
def test_sizes_the_networks_cannot_take(build, message):
    with pytest.raises(UserError, match=message):
        build()

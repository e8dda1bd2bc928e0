"""The SN-ResNet pieces by hand: spectral normalization as the paper's
reparametrisation, the projection discriminator's logit, self-attention's
identity start and the generator's class conditioning."""

import numpy as np
import pytest
import tensorflow as tf
import keras
from keras import layers

from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.layers import SpectralNorm
from tfgan_zoo.networks.sngan import SelfAttention, resnet_discriminator, resnet_generator


def _sigma(kernel):
    return np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]


@pytest.mark.parametrize("layer, shape", [(layers.Dense(5), (3, 7)),
                                          (layers.Conv2D(4, 3, padding="same"), (2, 6, 6, 3))])
def test_spectral_norm_divides_by_the_largest_singular_value(layer, shape):
    keras.utils.set_random_seed(0)
    sn = SpectralNorm(layer, power_iterations=1)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    sn(x)
    layer.bias.assign(np.linspace(-1, 1, layer.bias.shape[0]))
    for _ in range(300):  # power iteration converges on u (slowly where sigma_2 ~ sigma_1)
        sn(x, training=True)
    kernel, bias = layer.kernel.numpy(), layer.bias.numpy()
    plain = layer(x).numpy()
    expected = (plain - bias) / _sigma(kernel) + bias
    np.testing.assert_allclose(sn(x, training=False), expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(layer.kernel.numpy(), kernel)  # W itself is kept


def test_spectral_norm_gradient_flows_through_sigma_and_inference_keeps_u():
    dense = layers.Dense(3, use_bias=False)
    sn = SpectralNorm(dense)
    x = tf.constant(np.random.default_rng(1).normal(size=(4, 3)).astype("float32"))
    sn(x)
    for _ in range(50):
        sn(x, training=True)
    u = sn.vector_u.numpy().copy()
    sn(x, training=False)
    np.testing.assert_array_equal(sn.vector_u.numpy(), u)
    # d/dW of sum(x W / sigma(W)) differs from x^T 1 / sigma: sigma depends on W.
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(sn(x, training=False))
    grad = tape.gradient(y, dense.kernel).numpy()
    w = dense.kernel.numpy()
    eps, numeric = 1e-3, np.zeros_like(w)
    for i in np.ndindex(*w.shape):
        for sign in (1, -1):
            shifted = w.copy()
            shifted[i] += sign * eps
            numeric[i] += sign * (x.numpy() @ shifted / _sigma(shifted)).sum() / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=2e-2, atol=2e-3)
    assert not np.allclose(grad, np.tile(x.numpy().sum(0)[:, None], (1, 3)) / _sigma(w),
                           atol=1e-2)


def test_projection_discriminator_logit_by_hand():
    """logit = psi(h) + <embed(y), h>, h the ReLU'd features summed over space."""
    d = resnet_discriminator((16, 16, 1), num_classes=3, ndf=4)
    rng = np.random.default_rng(2)
    images = rng.uniform(-1, 1, (3, 16, 16, 1)).astype("float32")
    labels = np.array([0, 2, 1], "int32")
    # Both linear maps are spectrally normalised: find them by their inner layers.
    wrapped = {l.layer.name: l for l in d.layers if isinstance(l, SpectralNorm)}
    linear, projection = wrapped["linear"], wrapped["projection"]
    h = keras.Model(d.inputs, linear.input)([images, labels], training=False).numpy()
    w_psi, b_psi = linear.layer.kernel.numpy(), linear.layer.bias.numpy()
    v = projection.layer.kernel.numpy()
    sigma_psi, sigma_v = float(linear.sigma()), float(projection.sigma())
    expected = (h @ w_psi) / sigma_psi + b_psi + np.sum(v[labels] / sigma_v * h, -1,
                                                          keepdims=True)
    np.testing.assert_allclose(d([images, labels], training=False), expected,
                               rtol=1e-4, atol=1e-4)


def test_self_attention_starts_as_the_identity():
    x = np.random.default_rng(3).normal(size=(2, 8, 8, 16)).astype("float32")
    attention = SelfAttention()
    np.testing.assert_array_equal(attention(x), x)
    attention.gamma.assign(1.0)
    assert not np.allclose(attention(x), x)


def test_generator_reads_the_class_and_every_chunk_of_z():
    g = resnet_generator(12, (16, 16, 1), 4, ngf=8, shared_dim=4)
    rng = np.random.default_rng(4)
    for w in g.trainable_weights:
        w.assign(rng.normal(0, 0.5, w.shape).astype("float32"))
    z = rng.normal(size=(1, 12)).astype("float32")
    base = g([z, np.array([0], "int32")], training=False).numpy()
    assert not np.allclose(base, g([z, np.array([3], "int32")], training=False))
    for chunk in range(3):  # 2 blocks + the input: 3 chunks of 4
        moved = z.copy()
        moved[0, 4 * chunk:4 * chunk + 4] += 1.0
        assert not np.allclose(base, g([moved, np.array([0], "int32")], training=False))


@pytest.mark.parametrize("kwargs, message", [
    ({"attention": 5}, "--attention must be 0"),
    ({"latent_dim": 2}, "hierarchical z needs at least 3"),
])
def test_bad_generator_settings(kwargs, message):
    args = {"latent_dim": 12, "image_shape": (16, 16, 1), "num_classes": 4, **kwargs}
    with pytest.raises(UserError, match=message):
        resnet_generator(**args)

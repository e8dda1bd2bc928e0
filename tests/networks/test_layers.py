"""The shared layers (tfgan_zoo.networks.layers) against Keras or hand
values: fused batch norm is Keras batch norm (also under mixed float16),
instance norm normalises per image and converts to full-int8 LiteRT with
built-in ops, AdaIN sets the style's statistics, LayerNorm2D normalises
over space and channels, and pixel shuffle is depth-to-space."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.export import tflite
from tfgan_zoo.networks.layers import (AdaptiveInstanceNorm, FusedBatchNormalization,
                                       InstanceNormalization, LayerNorm2D, MinibatchStddev,
                                       PixelShuffle, ReflectionPadding2D)
from tests.support.models import policy


@pytest.mark.parametrize("dtype_policy, tol", [("float32", 1e-5), ("mixed_float16", 2e-3)])
def test_fused_batch_norm_is_keras_batch_norm(dtype_policy, tol):
    """Batch norm runs TF's fused kernel in training; outputs, gradients
    and moving statistics are Keras BatchNormalization's."""
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(1.0, 3.0, (8, 6, 6, 5)).astype("float32"))
    upstream = tf.constant(rng.normal(size=(8, 6, 6, 5)).astype("float32"))
    with policy(dtype_policy):
        args = dict(momentum=0.9, epsilon=1e-5,
                    gamma_initializer=keras.initializers.RandomNormal(1.0, 0.5),
                    beta_initializer=keras.initializers.RandomNormal(0.0, 0.5))
        reference = keras.layers.BatchNormalization(**args)
        fused = FusedBatchNormalization(**args)
        reference.build(x.shape)
        fused.build(x.shape)
        fused.set_weights(reference.get_weights())
        results = []
        for layer in (reference, fused):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = layer(x, training=True)
                loss = tf.reduce_sum(tf.cast(y, tf.float32) * upstream)
            grads = tape.gradient(loss, [x, layer.gamma, layer.beta])
            results.append([y] + grads + [layer.moving_mean, layer.moving_variance,
                                          layer(x, training=False)])
    names = ("output", "dx", "dgamma", "dbeta", "moving_mean", "moving_variance",
             "inference output")
    for name, want, got in zip(names, *results):
        assert got.dtype == want.dtype, name
        np.testing.assert_allclose(np.asarray(got, "float32"), np.asarray(want, "float32"),
                                   rtol=tol, atol=tol, err_msg=name)


def test_instance_norm_statistics_and_builtin_tflite_int8(tmp_path):
    x = np.random.default_rng(0).normal(3.0, 2.0, (2, 8, 8, 4)).astype("float32")
    y = InstanceNormalization()(x).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=(1, 2)), 1, atol=1e-3)

    inputs = keras.Input((8, 8, 3), batch_size=1)
    h = ReflectionPadding2D(1)(inputs)
    h = keras.layers.Conv2D(4, 3)(h)
    h = InstanceNormalization(affine=True)(h)
    model = keras.Model(inputs, keras.layers.ReLU()(h))
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serve", lambda t: model(t),
                         input_signature=[tf.TensorSpec([1, 8, 8, 3], tf.float32)])
    archive.write_out(str(tmp_path / "norm"), verbose=False)
    converter = tf.lite.TFLiteConverter.from_saved_model(str(tmp_path / "norm"))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    samples = np.random.default_rng(1).uniform(-1, 1, (8, 1, 8, 8, 3)).astype("float32")
    converter.representative_dataset = lambda: ([s] for s in samples)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    flat = converter.convert()  # fails if any op lacks a built-in int8 kernel
    builtin, custom = tflite.operators(flat)
    assert custom == [] and "MIRROR_PAD" in builtin and "RSQRT" in builtin
    assert "SQUARED_DIFFERENCE" in builtin


def test_adain_output_statistics_are_the_style_parameters():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.5, (2, 8, 8, 3)).astype("float32")
    gamma = np.array([[2.0, 0.5, 1.0], [0.3, 4.0, 1.5]], "float32")
    beta = np.array([[-1.0, 0.0, 3.0], [5.0, -2.0, 0.25]], "float32")
    # Parameters after an offset, as the decoder's MLP lays them out.
    params = np.concatenate([np.zeros((2, 4), "float32"), gamma, beta], axis=1)
    y = AdaptiveInstanceNorm(offset=4, epsilon=1e-8)([x, params]).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2)), beta, atol=1e-4)
    np.testing.assert_allclose(y.std(axis=(1, 2)), gamma, rtol=1e-4)
    # Only the statistics change: the normalised pattern is x's own.
    z = (x - x.mean((1, 2), keepdims=True)) / x.std((1, 2), keepdims=True)
    np.testing.assert_allclose(y, gamma[:, None, None] * z + beta[:, None, None],
                               atol=1e-4)


def test_layer_norm_2d_normalises_over_space_and_channels():
    x = np.random.default_rng(1).normal(2, 3, (2, 4, 4, 5)).astype("float32")
    y = LayerNorm2D(epsilon=1e-8)(x).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=(1, 2, 3)), 1, rtol=1e-4)


def test_pixel_shuffle_is_depth_to_space():
    x = np.arange(1 * 2 * 3 * 8, dtype="float32").reshape(1, 2, 3, 8)
    y = PixelShuffle(2)(x).numpy()
    assert y.shape == (1, 4, 6, 2)
    # Output pixel (2i + a, 2j + b), channel c reads input channel (2a + b) * 2 + c.
    for i, j, a, b, c in [(0, 0, 0, 0, 0), (1, 2, 1, 0, 1), (0, 1, 1, 1, 0)]:
        assert y[0, 2 * i + a, 2 * j + b, c] == x[0, i, j, (2 * a + b) * 2 + c]


def test_minibatch_stddev_appends_the_group_deviation():
    # Two groups of two images; group (a, c) and (b, d) as the reference
    # reshapes [G, M, ...]: images 0 and 2 form one group.
    x = tf.constant([0.0, 10.0, 2.0, 10.0])[:, None, None, None] * tf.ones([4, 2, 2, 3])
    y = MinibatchStddev(group_size=2)(x).numpy()
    assert y.shape == (4, 2, 2, 4)
    std = np.sqrt(1.0 + 1e-8)  # of (0, 2); group (10, 10) has 0 (+ eps)
    np.testing.assert_allclose(y[[0, 2], ..., 3], std, rtol=1e-6)
    np.testing.assert_allclose(y[[1, 3], ..., 3], 1e-4, rtol=1e-3)
    assert MinibatchStddev(4)(tf.ones([6, 2, 2, 1])).shape == (6, 2, 2, 2)  # one group


def test_minibatch_stddev_on_voxels_by_hand():
    # Rank 5 (3D-GAN's D): [N, D, H, W, C] = [4, 1, 2, 1, 2]; groups of 2 are
    # images (0, 2) and (1, 3). Image 2 is image 0 + (2, 4) on the two voxels
    # of channel 0 and + (0, 0) on channel 1: per-feature deviations
    # sqrt(1 + eps), sqrt(4 + eps), sqrt(eps), sqrt(eps), mean 0.75005
    # (eps 1e-8); images 1 and 3 are equal: sqrt(eps) = 1e-4.
    base = np.arange(4, dtype=np.float32).reshape(1, 1, 2, 1, 2)
    shift = np.array([2.0, 0.0, 4.0, 0.0], np.float32).reshape(1, 1, 2, 1, 2)
    x = np.concatenate([base, base + 5, base + shift, base + 5])
    y = MinibatchStddev(group_size=2)(tf.constant(x)).numpy()
    assert y.shape == (4, 1, 2, 1, 3)
    np.testing.assert_array_equal(y[..., :2], x)
    np.testing.assert_allclose(y[[0, 2], ..., 2], (1 + 2 + 2e-4) / 4, rtol=1e-6)
    np.testing.assert_allclose(y[[1, 3], ..., 2], 1e-4, rtol=1e-3)

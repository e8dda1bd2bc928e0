"""The projection engine (`tfgan_zoo.latent.project`) on generators whose
inverse is known: a linear map and a one-layer net with batch norm."""

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo import latent
from tfgan_zoo.errors import UserError


def linear_generator(dim=4, seed=0):
    a = tf.constant(np.random.default_rng(seed).normal(size=(dim, 3 * 3)), tf.float32)
    return lambda z: tf.reshape(tf.matmul(z, a), [-1, 3, 3, 1])


def test_search_recovers_the_code_of_each_example():
    generate = linear_generator()
    z_true = np.random.default_rng(1).uniform(-1.5, 1.5, (6, 4)).astype("float32")
    found = latent.project(generate, generate(z_true), latent_dim=4, steps=300, lr=0.05,
                           loss="pixel", distance="l2")
    np.testing.assert_allclose(found["z"], z_true, atol=2e-2)
    assert found["loss"].shape == (6,) and float(tf.reduce_max(found["loss"])) < 1e-3


def test_each_query_is_independent_of_its_batch_and_bn_is_frozen():
    # BN in training mode would normalise by the batch: a query's result
    # would change with its neighbours. The search runs G in inference mode.
    net = keras.Sequential([keras.Input((4,)), keras.layers.Dense(9),
                            keras.layers.BatchNormalization(), keras.layers.Reshape((3, 3, 1))])
    generate = lambda z: net(z, training=False)  # noqa: E731
    x = np.random.default_rng(2).normal(size=(5, 3, 3, 1)).astype("float32")
    together = latent.project(generate, x, latent_dim=4, steps=20, loss="pixel")
    alone = latent.project(generate, x[:1], latent_dim=4, steps=20, loss="pixel")
    np.testing.assert_allclose(alone["z"][0], together["z"][0], atol=1e-5)
    assert not net.layers[1].moving_mean.numpy().any()  # statistics untouched


def test_codes_stay_inside_the_tanh_bound():
    generate = linear_generator()
    far = generate(np.full((2, 4), 50.0, np.float32))
    found = latent.project(generate, far, latent_dim=4, steps=50, lr=0.5, loss="pixel")
    assert float(tf.reduce_max(tf.abs(found["z"]))) <= latent.Z_BOUND


def test_encoder_init_with_no_steps_is_the_encoder():
    generate = linear_generator()
    code = np.array([[0.5, -1.0, 0.0, 2.0]], np.float32)
    found = latent.project(generate, generate(code), latent_dim=4, steps=0, init="encoder",
                           encoder=lambda x: tf.constant(code), loss="pixel")
    np.testing.assert_allclose(found["z"], code, atol=1e-5)


def test_both_loss_is_the_weighted_sum():
    x, y = tf.ones([1, 2, 2, 1]), tf.zeros([1, 2, 2, 1])
    features = lambda v: 2.0 * v  # noqa: E731
    value = latent.projection_loss(x, y, features, "both", feature_weight=0.1)
    assert float(value[0]) == pytest.approx(0.9 * 1.0 + 0.1 * 2.0)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"steps": 0}, "steps >= 1"), ({"init": "encoder"}, "needs a trained encoder"),
    ({"loss": "l3"}, "unknown projection loss"), ({"loss": "both"}, "feature network")])
def test_bad_arguments_are_one_line_errors(kwargs, fragment):
    with pytest.raises(UserError, match=fragment):
        latent.project(linear_generator(), tf.zeros([1, 3, 3, 1]), latent_dim=4,
                       **{"loss": "pixel", "steps": 2, **kwargs})

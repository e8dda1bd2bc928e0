"""Feature matching against hand computation, alone and over two replicas."""

import numpy as np
import tensorflow as tf

from tfgan_zoo import losses


def test_feature_matching_is_half_the_squared_distance_of_batch_means():
    real = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)   # mean (2, 3)
    fake = np.array([[0.0, 0.0], [2.0, 0.0]], np.float32)   # mean (1, 0)
    value = losses.feature_matching_loss(tf.constant(real), tf.constant(fake))
    assert np.isclose(float(value), 0.5 * (1.0 + 9.0))
    fake_var = tf.Variable(fake)
    with tf.GradientTape() as tape:
        loss = losses.feature_matching_loss(tf.constant(real), fake_var)
    # d/d fake_i = (mean_fake - mean_real) / B
    np.testing.assert_allclose(tape.gradient(loss, fake_var), [[-0.5, -1.5]] * 2)


def test_feature_matching_uses_the_global_batch(mirrored):
    real = np.arange(8, dtype=np.float32).reshape(4, 2)
    fake = np.zeros((4, 2), np.float32)
    whole = float(losses.feature_matching_loss(tf.constant(real), tf.constant(fake)))
    data = tf.data.Dataset.from_tensor_slices((real, fake)).batch(4)
    batch = next(iter(mirrored.experimental_distribute_dataset(data)))
    shares = mirrored.run(lambda r, f: losses.feature_matching_loss(r, f), args=batch)
    total = mirrored.reduce(tf.distribute.ReduceOp.SUM, shares, axis=None)
    assert np.isclose(float(total), whole)  # shares of the global-batch loss

"""tfgan_zoo.losses, reconstruction: L1, squared error, the masked MSE of
inpainting and the total variation regulariser, against hand values.
(Adversarial losses, the gradient penalty and KL: test_losses.py; text
losses: test_losses_text.py.)"""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import losses


def test_l1_and_squared_error_by_hand():
    prediction = tf.constant([[[0.0, 1.0]], [[2.0, -3.0]]])   # [2, 1, 2]
    target = tf.zeros_like(prediction)
    # per example: (0 + 1) / 2 = 0.5 and (2 + 3) / 2 = 2.5 -> mean 1.5
    assert float(losses.l1_loss(prediction, target)) == pytest.approx(1.5)
    # per example: (0 + 1) / 2 = 0.5 and (4 + 9) / 2 = 6.5 -> mean 3.5
    assert float(losses.squared_error_loss(prediction, target)) == pytest.approx(3.5)
    assert float(losses.l1_loss(prediction, target, reduce=tf.reduce_sum)) == pytest.approx(3.0)


def test_masked_mse_counts_only_the_hole():
    target = np.zeros((1, 4, 4, 2), "float32")
    prediction = np.full((1, 4, 4, 2), 5.0, "float32")
    prediction[0, 1:3, 1:3] = 2.0          # the hole: error 2^2 = 4
    mask = np.zeros((1, 4, 4, 1), "float32")
    mask[0, 1:3, 1:3] = 1.0
    assert losses.masked_mse(prediction, target, mask).numpy() == pytest.approx(4.0)


def test_total_variation_hand_values():
    # One pixel with both neighbours: dx = 1, dy = 2 -> sqrt(5).
    image = tf.constant([[[0.0], [1.0]], [[2.0], [3.0]]])[None]
    assert losses.total_variation(image, epsilon=0.0).numpy() == pytest.approx(5 ** 0.5)
    # 3x3, two channels: mean over the 2x2 positions and both channels.
    a = np.array([[0, 1, 3], [1, 1, 1], [4, 0, 2]], "float32")
    image = np.stack([a, 2 * a], axis=-1)[None]
    grads = [np.hypot(a[i, j + 1] - a[i, j], a[i + 1, j] - a[i, j])
             for i in range(2) for j in range(2)]
    expected = (np.mean(grads) + 2 * np.mean(grads)) / 2
    assert losses.total_variation(image, epsilon=0.0).numpy() == pytest.approx(expected)
    flat = losses.total_variation(tf.ones([2, 4, 4, 3]), reduce=lambda v: v).numpy()
    np.testing.assert_allclose(flat, [1e-4, 1e-4], rtol=1e-3)  # sqrt(epsilon)

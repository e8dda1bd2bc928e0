"""BEGAN: the equilibrium controller k_t and the convergence measure by hand
(clipping at 0 and 1 included), the model's step following them, and its
flags' errors."""

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.began import BEGAN


@pytest.mark.parametrize("k, real, fake, expected", [
    (0.5, 0.2, 0.05, 0.5 + 0.001 * (0.7 * 0.2 - 0.05)),  # fakes too good: k rises
    (0.5, 0.2, 0.30, 0.5 + 0.001 * (0.7 * 0.2 - 0.30)),  # fakes too bad: k falls
    (0.0001, 0.1, 0.9, 0.0),                             # clipped at 0
    (0.9999, 0.9, 0.0, 1.0),                             # clipped at 1
])
def test_k_update_by_hand(k, real, fake, expected):
    got = losses.began_k_update(k, real, fake, gamma=0.7, lambda_k=0.001)
    assert float(got) == pytest.approx(expected, abs=1e-7)


def test_convergence_measure_by_hand():
    # M = L(x) + |gamma L(x) - L(G(z))|
    assert float(losses.began_convergence(0.2, 0.05, 0.5)) == pytest.approx(0.2 + 0.05)
    assert float(losses.began_convergence(0.2, 0.30, 0.5)) == pytest.approx(0.2 + 0.2)


def test_a_step_moves_k_by_the_controller_and_logs_m_global():
    model = BEGAN(image_shape=(16, 16, 1), latent_dim=4, filters=4, hidden_dim=4,
                  gamma=0.7, lambda_k=0.5, seed=0)
    model.compile(g_optimizer=keras.optimizers.Adam(1e-4),
                  d_optimizer=keras.optimizers.Adam(1e-4))
    model.build_for_training()
    model.run_eagerly = True  # one step: tracing would cost more than it saves
    model.k.assign(0.25)
    images = np.random.default_rng(0).uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
    logs = {k: float(v[0]) for k, v in model.fit(
        tf.data.Dataset.from_tensors(images), epochs=1, verbose=0).history.items()}
    real, fake = logs["real_loss"], logs["g_loss"]
    expected = np.clip(0.25 + 0.5 * (0.7 * real - fake), 0, 1)
    assert logs["k"] == pytest.approx(expected, abs=1e-6)
    assert float(model.k) == pytest.approx(expected, abs=1e-6)
    assert logs["m_global"] == pytest.approx(real + abs(0.7 * real - fake), abs=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    ({"gamma": 0.0}, r"gamma must be in \(0, 1\].*--gamma 0.5"),
    ({"gamma": 1.5}, r"gamma must be in \(0, 1\]"),
    ({"lambda_k": -1.0}, "--lambda-k 0.001"),
    ({"image_shape": (20, 20, 1)}, "--image-size 32"),
])
def test_bad_flags_name_the_fix(kwargs, message):
    with pytest.raises(UserError, match=message):
        BEGAN(**{"image_shape": (16, 16, 1), **kwargs})


def test_g_output_bias_is_where_g_starts():
    model = BEGAN(image_shape=(16, 16, 1), latent_dim=4, filters=4, hidden_dim=4,
                  g_output_bias=-1.0, seed=0)
    last_conv = [layer for layer in model.generator.layers if hasattr(layer, "kernel")][-1]
    np.testing.assert_array_equal(last_conv.bias.numpy(), [-1.0])
    assert BEGAN.from_config(model.get_config()).get_config()["g_output_bias"] == -1.0

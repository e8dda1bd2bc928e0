"""A run's discriminator may use its own optimizer (`--d-optimizer`), e.g.
RCGAN's reference: D by plain gradient descent, G by Adam; "gd" is plain
gradient descent, w <- w - lr * grad exactly."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.config import Config, parse_args, validate
from tfgan_zoo.errors import UserError
from tfgan_zoo.optimizers import make_optimizer
from tfgan_zoo.recipes.rcgan import RECIPE
from tfgan_zoo.training.trainer import train


def test_gd_is_plain_gradient_descent():
    w = tf.Variable([1.0, -2.0])
    opt = make_optimizer("gd", 0.1)
    for _ in range(2):  # momentum would make the second step larger
        opt.apply_gradients([(tf.constant([0.5, 1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [1.0 - 0.1, -2.0 - 0.2], rtol=1e-6)


def test_the_discriminator_gets_its_own_optimizer(tmp_path):
    config = Config(model="rcgan", dataset="mnist_seq", steps=1, batch_size=6,
                    d_optimizer="gd", d_lr=0.1, g_lr=1e-3, export=False, report=False,
                    sample_every=1, checkpoint_every=1, num_samples=3, out=str(tmp_path),
                    model_args={"noise_dim": 2, "hidden_units": 4, "g_steps": 1})
    model = train(config, verbose=0)
    assert type(model.d_optimizer).__name__ == "SGD" and model.d_optimizer.momentum == 0
    assert type(model.g_optimizer).__name__ == "Adam"
    assert float(model.d_optimizer.learning_rate) == pytest.approx(0.1)


def test_d_optimizer_flag_and_bad_names():
    assert parse_args(RECIPE, []).d_optimizer == "gd"  # the rcgan recipe's
    assert parse_args(RECIPE, ["--d-optimizer", "adam"]).d_optimizer == "adam"
    assert Config().d_optimizer is None  # the same as --optimizer
    with pytest.raises(UserError, match="unknown d optimizer 'lbfgs'"):
        validate(Config(d_optimizer="lbfgs"))

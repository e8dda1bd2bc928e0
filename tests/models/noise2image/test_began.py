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


# ------------------------------------------------- EBGAN's pulling-away term
@pytest.mark.parametrize("embeddings, expected", [
    (np.eye(3, 5), 0.0),                        # mutually orthogonal
    (np.ones((4, 3)), 1.0),                     # identical
    ([[1.0, 0.0], [-2.0, 0.0]], 1.0),           # opposite: cos^2 = 1 too
    # cos^2: (1, 2) 1/2, (1, 3) 0, (2, 3) 1/2; each pair twice over 3 * 2
    ([[1.0, 0.0], [5.0, 5.0], [0.0, 3.0]], 2 * (0.5 + 0.0 + 0.5) / 6),
    ([[1.0, 2.0]], 0.0),                        # a batch of one has no pair
])
def test_pulling_away_term_by_hand(embeddings, expected):
    got = losses.pulling_away_term(np.asarray(embeddings, "float32"))
    assert float(got) == pytest.approx(expected, abs=1e-6)


def _began_pair(weight):
    """Two BEGANs with the same weights and noise, one with `weight`."""
    models = []
    for w in (0.0, weight):
        model = BEGAN(image_shape=(16, 16, 1), latent_dim=4, filters=4, hidden_dim=4,
                      pull_away_weight=w, seed=0)
        model.compile(g_optimizer=keras.optimizers.SGD(0.1),
                      d_optimizer=keras.optimizers.SGD(0.1))
        model.build_for_training()
        model.run_eagerly = True
        models.append(model)
    models[1].generator.set_weights(models[0].generator.get_weights())
    models[1].discriminator.set_weights(models[0].discriminator.get_weights())
    return models


def test_pull_away_reaches_g_and_not_d():
    paper, pulled = _began_pair(1.0)
    images = np.random.default_rng(0).uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
    logs = [m.fit(tf.data.Dataset.from_tensors(images), epochs=1, verbose=0).history
            for m in (paper, pulled)]
    for a, b in zip(paper.discriminator.weights, pulled.discriminator.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    moved = max(float(np.abs(a.numpy() - b.numpy()).max())
                for a, b in zip(paper.generator.weights, pulled.generator.weights))
    assert moved > 1e-6
    # The controller still reads the energy alone; PT is logged beside it.
    assert logs[1]["g_loss"] == pytest.approx(logs[0]["g_loss"], abs=1e-7)
    assert logs[1]["k"] == pytest.approx(logs[0]["k"], abs=1e-7)
    assert "pull_away" not in logs[0] and 0.0 <= logs[1]["pull_away"][0] <= 1.0


def test_pull_away_weight_round_trips_and_is_a_flag():
    from tfgan_zoo.config import build_parser, parse_args
    from tfgan_zoo.recipes.began import RECIPE

    model = BEGAN(image_shape=(16, 16, 1), latent_dim=4, filters=4, hidden_dim=4,
                  pull_away_weight=0.1)
    assert BEGAN.from_config(model.get_config()).pull_away_weight == 0.1
    assert BEGAN(image_shape=(16, 16, 1), filters=4, hidden_dim=4).pull_away_weight == 0.0
    assert "--pull-away-weight" in build_parser(RECIPE).format_help()
    config = parse_args(RECIPE, ["--pull-away-weight", "0.3"])
    assert config.model_args["pull_away_weight"] == 0.3


@pytest.mark.parametrize("weight", [-0.1, float("nan")])
def test_pull_away_weight_must_be_non_negative(weight):
    with pytest.raises(UserError, match=r"--pull-away-weight must be a finite loss weight >= 0"):
        BEGAN(image_shape=(16, 16, 1), filters=4, hidden_dim=4, pull_away_weight=weight)
    # and one in range is taken
    assert BEGAN(image_shape=(16, 16, 1), filters=4, hidden_dim=4,
                 pull_away_weight=0.5).pull_away_weight == 0.5


@pytest.mark.parametrize("precision", ["none", "bfloat16"])
def test_pull_away_trains_on_two_replicas(mirrored, precision):
    from tests.support.models import assert_finite_losses, build, fit, policy

    with policy("float32" if precision == "none" else f"mixed_{precision}"):
        model = build("began", mirrored, mixed_precision=precision, pull_away_weight=0.1)
        history = fit(model)
    assert_finite_losses(history, model)
    assert "pull_away" in model.loss_names
    assert all(0.0 <= v <= 1.0 for v in history["pull_away"])

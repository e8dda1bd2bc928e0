"""SNGAN + BigGAN extras: the orthogonal regulariser by hand, the
truncation trick in the graph (a truncated normal, monotone, exported as
an input), and one-line errors for bad settings."""

import numpy as np
import pytest
import tensorflow as tf
from scipy.stats import norm

from tfgan_zoo import losses, registry
from tfgan_zoo.errors import UserError
from tfgan_zoo.export.graph import request_checks
from tfgan_zoo.latent import NO_TRUNCATION, truncate

SMALL = dict(image_shape=(16, 16, 1), num_classes=4, latent_dim=12, ngf=8, ndf=8,
             shared_dim=4, seed=0)


def sngan(**kwargs):
    return registry.build_model("sngan", **{**SMALL, **kwargs})


def test_orthogonal_regularization_by_hand():
    w = np.random.default_rng(0).normal(size=(3, 3, 2, 4)).astype("float32")
    flat = w.reshape(-1, 4)
    gram = flat.T @ flat
    expected = 1e-4 * np.sum((gram * (1 - np.eye(4))) ** 2)
    assert losses.orthogonal_regularization([tf.constant(w)], beta=1e-4).numpy() == \
        pytest.approx(expected, rel=1e-5)
    q, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(6, 4)))
    # Orthogonal columns of any norms cost nothing.
    assert losses.orthogonal_regularization([tf.constant(q * [1, 2, 3, 4], tf.float32)]
                                            ).numpy() == pytest.approx(0, abs=1e-9)


def test_truncate_gives_the_truncated_normal():
    z = np.random.default_rng(2).standard_normal((4000, 3)).astype("float32")
    for psi in (0.5, 1.0, 2.0):
        out = truncate(z, np.full(4000, psi, "float32")).numpy()
        expected = norm.ppf(norm.cdf(-psi) + norm.cdf(z) * (norm.cdf(psi) - norm.cdf(-psi)))
        np.testing.assert_allclose(out, expected, atol=2e-5)
        assert np.abs(out).max() <= psi
        assert np.all(np.diff(out[np.argsort(z[:, 0]), 0]) >= -1e-6)  # keeps order
    np.testing.assert_array_equal(truncate(z, NO_TRUNCATION).numpy(), z)


def test_truncation_is_a_generator_input():
    model = sngan()
    model.build_networks()
    spec = model.generator_input_spec()
    assert list(spec) == ["z", "label", "truncation"] and spec["truncation"].shape[1:] == []
    z = np.random.default_rng(3).standard_normal((4, 12)).astype("float32") * 3
    labels = np.arange(4, dtype="int32")
    tight = model.sample(4, z=z, labels=labels, truncation=0.2)
    by_hand = model.generate(truncate(z, 0.2), labels).numpy()
    np.testing.assert_allclose(tight, by_hand, atol=1e-6)
    assert not np.allclose(tight, model.sample(4, z=z, labels=labels))


def test_a_served_truncation_at_or_below_zero_is_refused():
    model = sngan()
    model.build_networks()
    specs = model.generator_input_spec()
    request = {"z": tf.zeros((2, 12)), "label": tf.constant([0, 1], tf.int32)}
    request_checks(model, {**request, "truncation": tf.constant([0.5, 8.0])}, specs)
    with pytest.raises(tf.errors.InvalidArgumentError, match="truncation must be at least"):
        request_checks(model, {**request, "truncation": tf.constant([0.5, 0.0])}, specs)


@pytest.mark.parametrize("kwargs, message", [
    ({"truncation": 0}, "truncation must be a number > 0"),
    ({"truncation": -1.5}, "truncation must be a number > 0"),
    ({"conditioning": "film"}, "unknown conditioning 'film'"),
    ({"ortho_weight": -1.0}, "--ortho-weight must be a finite loss weight >= 0"),
])
def test_bad_settings_are_one_line_errors(kwargs, message):
    with pytest.raises(UserError, match=message) as error:
        sngan(**kwargs)
    assert "\n" not in str(error.value)


def test_sample_refuses_a_bad_truncation():
    model = sngan()
    with pytest.raises(UserError, match="truncation must be a number > 0"):
        model.sample(2, truncation=0.0)


def test_int8_calibration_sees_the_range_of_truncations():
    """Sample grids fix psi; int8 calibration must see small and large psi,
    or the LiteRT model saturates the input at the grids' value."""
    from tfgan_zoo.export import tflite
    model = sngan(truncation=1.5)
    assert set(model.example_inputs(8)["truncation"]) == {1.5}
    inputs, _ = tflite.representative_inputs(model, 50)
    assert inputs["truncation"].min() < 1.0 and inputs["truncation"].max() > 4.0

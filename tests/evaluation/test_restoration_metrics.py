"""Restoration metrics: NMSE, the high-frequency error and the gradient
correlation behind the reflection-leak measure."""

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from tfgan_zoo.evaluation.metrics import gradient_correlation, high_frequency_error, nmse

RNG = np.random.default_rng(0)
X = RNG.uniform(-1, 1, (4, 32, 32, 3))
Y = RNG.uniform(-1, 1, (4, 32, 32, 3))


def test_nmse():
    expected = np.mean([np.linalg.norm(a - b) / np.linalg.norm(b) for a, b in zip(X, Y)])
    assert nmse(X, Y) == pytest.approx(expected)
    assert nmse(Y, Y) == 0.0


def test_high_frequency_error_sees_blur():
    same = high_frequency_error(X, X)
    assert same["hf_error"] == 0.0 and same["hf_ratio"] == pytest.approx(1.0)
    blurred = gaussian_filter(X, (0, 1.5, 1.5, 0))
    found = high_frequency_error(blurred, X)
    assert found["hf_ratio"] < 0.5 and found["hf_error"] > 0.1


def test_gradient_correlation():
    assert gradient_correlation(X, X) == pytest.approx(1.0)
    assert gradient_correlation(-X, X) == pytest.approx(-1.0)
    assert abs(gradient_correlation(X, Y)) < 0.05
    leaked = gradient_correlation(X + 0.5 * Y, Y)
    assert 0.3 < leaked < 0.6  # |grad X| ~ |grad Y|: 0.5 / sqrt(1.25)

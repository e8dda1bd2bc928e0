"""Sliced Wasserstein distance (Karras et al. 2018): zero for one set
against itself, larger for a different set, exact pyramid, clear errors."""

import numpy as np
import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation.swd import (laplacian_levels, pyr_up, sliced_wasserstein,
                                      sliced_wasserstein_distance)


def digits_like(n, seed, width=3):
    rng = np.random.default_rng(seed)
    images = -np.ones((n, 32, 32, 1), np.float32)
    for image, x in zip(images, rng.integers(8, 24, n)):
        image[6:26, x:x + width] = 1.0
    return images


def test_distance_grows_as_the_sets_drift_apart():
    # Neighbourhoods are drawn at random for each set, so a set against
    # itself is small but not zero.
    real = digits_like(64, 0)
    same = sliced_wasserstein(real, real)
    assert set(same) == {"swd_32", "swd_16", "swd_avg"}
    other_strokes = sliced_wasserstein(real, digits_like(64, 1))["swd_avg"]
    wider = sliced_wasserstein(real, digits_like(64, 1, width=9))["swd_avg"]
    noise = np.random.default_rng(2).uniform(-1, 1, real.shape).astype(np.float32)
    assert max(same["swd_avg"], other_strokes) < 50 < wider < sliced_wasserstein(
        real, noise)["swd_avg"]


def test_distance_of_shifted_points_is_their_projected_shift():
    a = np.random.default_rng(0).standard_normal((2000, 1)).astype(np.float32)
    assert sliced_wasserstein_distance(a, a + 0.5, repeats=1, directions=8) == \
        pytest.approx(0.5, rel=1e-5)


def test_pyramid_levels_reconstruct_the_image():
    images = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype(np.float32)
    residual, low = laplacian_levels(images, 2)
    assert low.shape == (2, 16, 16, 3)
    np.testing.assert_allclose(residual + pyr_up(low), images, atol=1e-3)


def test_bad_input():
    with pytest.raises(UserError, match="one image shape"):
        sliced_wasserstein(np.zeros((4, 32, 32, 1)), np.zeros((4, 16, 16, 1)))
    with pytest.raises(UserError, match="smaller than the 7x7"):
        sliced_wasserstein(np.zeros((4, 4, 4, 1)), np.zeros((4, 4, 4, 1)))

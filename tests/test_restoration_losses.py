"""The restoration losses of `tfgan_zoo.losses` (NMSE, frequency, exclusion,
feature) against hand computation."""

import numpy as np
import pytest

from tfgan_zoo import losses
from tfgan_zoo.errors import UserError

RNG = np.random.default_rng(0)
A = RNG.uniform(-1, 1, (3, 8, 6, 2)).astype("float32")
B = RNG.uniform(-1, 1, (3, 8, 6, 2)).astype("float32")


def per_example(loss, *args, **kwargs):
    return loss(*args, reduce=lambda x: x, **kwargs).numpy()


def test_nmse_is_the_relative_l2_error():
    expected = [np.linalg.norm(a - b) / np.linalg.norm(b) for a, b in zip(A, B)]
    np.testing.assert_allclose(per_example(losses.nmse_loss, A, B), expected, rtol=1e-5)
    assert float(losses.nmse_loss(A, B)) == pytest.approx(np.mean(expected), rel=1e-5)
    assert float(losses.nmse_loss(B, B)) == pytest.approx(0.0, abs=1e-5)


def test_frequency_loss_compares_dft_magnitudes():
    fa = np.abs(np.fft.fft2(A, axes=(1, 2)))
    fb = np.abs(np.fft.fft2(B, axes=(1, 2)))
    expected = ((fa - fb) ** 2).mean(axis=(1, 2, 3))
    np.testing.assert_allclose(per_example(losses.frequency_loss, A, B), expected, rtol=1e-4)
    # Magnitudes ignore phase: a circular shift costs nothing.
    shifted = np.roll(B, (3, 2), axis=(1, 2))
    assert float(losses.frequency_loss(shifted, B)) == pytest.approx(0.0, abs=1e-3)


def _psi(t, r):
    """The reference's compute_exclusion_loss term for one direction."""
    scale = 2 * np.abs(t).mean() / np.abs(r).mean()
    squash = lambda g: 2 / (1 + np.exp(-g)) - 1  # noqa: E731  2 sigmoid - 1
    return np.mean(squash(t) ** 2 * squash(scale * r) ** 2) ** 0.25


def test_exclusion_loss_matches_the_reference_formula():
    t, r = (A[:1] + 1) / 2, (B[:1] + 1) / 2
    one_level = (_psi(np.diff(t, axis=1), np.diff(r, axis=1))
                 + _psi(np.diff(t, axis=2), np.diff(r, axis=2))) / 2
    assert float(losses.exclusion_loss(t, r, levels=1)) == pytest.approx(one_level, rel=1e-4)
    # Layers whose edges never meet cost (almost) nothing; shared edges cost.
    left = np.zeros((1, 8, 8, 1), np.float32)
    left[:, :, :3] = 1
    bottom = np.zeros_like(left)
    bottom[:, 5:] = 1
    disjoint = float(losses.exclusion_loss(left, bottom, levels=1))
    assert disjoint < 0.05 < float(losses.exclusion_loss(left, left, levels=1))


def _reference_exclusion(t, r, levels=3):
    """main.py's loss_grad for one image: compute_exclusion_loss(T, R, level=3),
    summed over x and y, each averaged over the levels, halved."""
    pool = lambda x: x.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2, -1).mean((1, 3))  # noqa: E731
    x_terms, y_terms = [], []
    for _ in range(levels):
        x_terms.append(_psi(np.diff(t, axis=0), np.diff(r, axis=0)))
        y_terms.append(_psi(np.diff(t, axis=1), np.diff(r, axis=1)))
        t, r = pool(t), pool(r)
    return (sum(x_terms) / levels + sum(y_terms) / levels) / 2


def test_exclusion_loss_matches_the_reference_over_three_levels_per_image():
    # 16x16 images: the levels are 16, 8 and 4 px (2x2 average pooling). Each
    # image of the batch gets its own balance lambda (the reference's batch is
    # one image), and the batch's loss is the mean of the images'.
    rng = np.random.default_rng(1)
    t = rng.uniform(0, 1, (2, 16, 16, 3)).astype("float32")
    r = 0.3 * rng.uniform(0, 1, (2, 16, 16, 3)).astype("float32")
    r[1] *= 0.1
    expected = [_reference_exclusion(a, b) for a, b in zip(t, r)]
    np.testing.assert_allclose(per_example(losses.exclusion_loss, t, r), expected, rtol=1e-4)
    assert float(losses.exclusion_loss(t, r)) == pytest.approx(np.mean(expected), rel=1e-4)
    # lambda makes the loss blind to R's overall contrast, per image.
    np.testing.assert_allclose(per_example(losses.exclusion_loss, t, r * [[[[1.0]]], [[[5.0]]]]),
                               expected, rtol=1e-3)


def test_feature_loss_is_a_weighted_sum_of_mean_l1():
    layers = [A, A[:, ::2]]
    targets = [B, B[:, ::2]]
    expected = (2.0 * np.abs(A - B).mean(axis=(1, 2, 3))
                + 0.5 * np.abs(A[:, ::2] - B[:, ::2]).mean(axis=(1, 2, 3)))
    np.testing.assert_allclose(per_example(losses.feature_loss, layers, targets, [2.0, 0.5]),
                               expected, rtol=1e-5)
    with pytest.raises(UserError, match="one weight per layer"):
        losses.feature_loss(layers, targets, [1.0])


def test_mean_colour_loss_compares_mean_colours_only():
    # Two 1x2 images, 2 channels: means (1, 2) against (0, 4) -> (1 + 2) / 2.
    pred = np.array([[[[0.0, 1.0], [2.0, 3.0]]]], "float32")
    true = np.array([[[[1.0, 4.0], [-1.0, 4.0]]]], "float32")
    np.testing.assert_allclose(per_example(losses.mean_colour_loss, pred, true), [1.5])
    expected = np.abs(A.mean((1, 2)) - B.mean((1, 2))).mean(-1)
    np.testing.assert_allclose(per_example(losses.mean_colour_loss, A, B), expected, rtol=1e-5)
    # Structure around the same mean costs nothing; a uniform offset costs itself.
    assert float(losses.mean_colour_loss(B - B.mean((1, 2), keepdims=True), 0 * B)) == \
        pytest.approx(0.0, abs=1e-6)
    assert float(losses.mean_colour_loss(B + 0.25, B)) == pytest.approx(0.25, rel=1e-5)

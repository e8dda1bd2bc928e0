"""k-space masks and undersampling (`tfgan_zoo.kspace`): the transforms
invert each other, every mask samples exactly the stated fraction, masks
are seeded, and bad input is a one-line error."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import kspace
from tfgan_zoo.errors import UserError

IMAGES = np.random.default_rng(0).uniform(-1, 1, (2, 24, 20, 1)).astype("float32")


def test_fft_all_ones_mask_ifft_is_the_identity():
    k = kspace.fft2(IMAGES)
    assert k.dtype == tf.complex64 and k.shape == IMAGES.shape
    back = kspace.ifft2(k * tf.complex(tf.ones_like(IMAGES), tf.zeros_like(IMAGES)))
    np.testing.assert_allclose(tf.math.real(back), IMAGES, atol=1e-5)
    np.testing.assert_allclose(tf.math.imag(back), 0.0, atol=1e-5)
    ones = np.ones((24, 20), np.float32)
    np.testing.assert_allclose(kspace.undersample(IMAGES, ones), IMAGES, atol=1e-5)
    np.testing.assert_array_equal(kspace.sampling_mask("gaussian2d", 24, 20, 1.0), ones)


def test_fft_matches_numpy():
    expected = np.fft.fft2(IMAGES[..., 0])[..., None]
    np.testing.assert_allclose(kspace.fft2(IMAGES), expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("kind", kspace.MASK_KINDS)
@pytest.mark.parametrize("rate", [0.1, 0.2, 0.3, 0.4, 0.5])
def test_every_mask_has_its_stated_sampling_rate(kind, rate):
    h, w = 32, 40
    mask = kspace.sampling_mask(kind, h, w, rate, seed=3)
    assert mask.shape == (h, w) and set(np.unique(mask)) == {0.0, 1.0}
    if kind == "gaussian1d":  # whole columns
        assert (mask == mask[:1]).all()
        assert mask[0].sum() == round(rate * w)
    else:
        assert mask.sum() == round(rate * h * w)
    assert abs(mask.mean() - rate) <= 1.0 / w
    assert mask[h // 2, w // 2] == 1.0  # the zero frequency (centred layout)


def test_masks_are_seeded():
    a = kspace.sampling_mask("poisson2d", 32, 32, 0.3, seed=1)
    np.testing.assert_array_equal(a, kspace.sampling_mask("poisson2d", 32, 32, 0.3, seed=1))
    assert not np.array_equal(a, kspace.sampling_mask("poisson2d", 32, 32, 0.3, seed=2))


def test_undersampling_zero_fills_the_unsampled_frequencies():
    mask = kspace.sampling_mask("gaussian1d", 24, 20, 0.3)
    x01 = (IMAGES[..., 0] + 1) / 2
    expected = np.abs(np.fft.ifft2(np.fft.fft2(x01) * np.fft.ifftshift(mask))) * 2 - 1
    np.testing.assert_allclose(kspace.undersample(IMAGES, mask)[..., 0], expected, atol=1e-5)


def test_presets():
    names = kspace.preset_names()
    assert "gaussian1d_30" in names and len(names) == 15
    np.testing.assert_array_equal(kspace.preset_mask("poisson2d_20", 16, 16),
                                  kspace.sampling_mask("poisson2d", 16, 16, 0.2, seed=0))


@pytest.mark.parametrize("call, message", [
    (lambda: kspace.sampling_mask("gaussian1d", 8, 8, 0.0), r"sampling rate must be in \(0, 1\]"),
    (lambda: kspace.sampling_mask("gaussian1d", 8, 8, 1.5), r"sampling rate must be in \(0, 1\]"),
    (lambda: kspace.sampling_mask("gaussian1d", 8, 8, "a third"), "sampling rate"),
    (lambda: kspace.sampling_mask("radial", 8, 8, 0.3), "unknown k-space mask kind 'radial'"),
    (lambda: kspace.preset_mask("radial_30", 8, 8), "unknown k-space mask preset"),
])
def test_bad_masks_are_one_line_errors(call, message):
    with pytest.raises(UserError, match=message) as info:
        call()
    assert "\n" not in str(info.value)

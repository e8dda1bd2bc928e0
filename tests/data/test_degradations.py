"""Seeded degradations of the photo patches: `denoise:SIGMA`, `derain` and
`reflection` (the reference's `syn_data`)."""

import numpy as np
import pytest

from tfgan_zoo.data import degradations, load_dataset
from tfgan_zoo.errors import UserError


def held_out(name, size=32):
    data = load_dataset(name, batch_size=64, image_size=size, split="test", shuffle=False,
                        repeat=False, drop_remainder=False)
    return [np.concatenate(p) for p in zip(*[[x.numpy() for x in b] for b in data.dataset])]


def test_noise_has_the_stated_sigma_and_is_seeded():
    noisy, clean = held_out("denoise:25")
    inside = (clean > -0.6) & (clean < 0.6)  # far from clipping
    assert (noisy - clean)[inside].std() * 127.5 == pytest.approx(25, rel=0.05)
    np.testing.assert_array_equal(noisy, held_out("denoise:25")[0])
    rng = np.random.default_rng(0)
    flat = np.full((1, 4, 4, 3), 100, np.uint8)
    np.testing.assert_array_equal(degradations.gaussian_noise(flat, 0, rng), flat)


@pytest.mark.parametrize("sigma", ["-5", "loud"])
def test_bad_noise_sigma_is_a_one_line_error(sigma):
    with pytest.raises(UserError, match="noise sigma must be a number >= 0") as info:
        load_dataset(f"denoise:{sigma}", batch_size=4)
    assert "\n" not in str(info.value)


def test_rain_adds_bright_streaks():
    rainy, clean = held_out("derain")
    assert (rainy >= clean - 1e-6).all()  # additive
    assert 0.01 < (rainy > clean + 0.1).mean() < 0.3  # streaks cover part of each patch


def test_reflection_blends_carry_their_layers():
    blend, transmission, reflection = held_out("reflection")
    assert blend.shape == transmission.shape == reflection.shape
    clean = held_out("denoise:0")[1]  # the same clean test patches
    np.testing.assert_array_equal(transmission, clean)
    assert np.abs(blend - transmission).mean() > 0.05
    rng = np.random.default_rng(0)
    t = np.full((1, 16, 16, 3), 128, np.uint8)
    black = np.zeros_like(t)
    out, _, layer = degradations.synthesize_reflection(t, black, rng)
    assert layer.max() == 0 and (out <= t).all()  # no reflection: only the attenuation

"""Seeded degradations of the photo patches: `denoise:SIGMA`, `derain` and
`reflection` (the reference's `syn_data`), fixed or drawn afresh."""

import dataclasses
import warnings

import numpy as np
import pytest
import tensorflow as tf
from scipy import ndimage

from tfgan_zoo.data import degradations, load_dataset, photos
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


# ------------------------------------------------- fresh reflection blends
def fresh_batches(name, batches, batch_size=8, seed=0, size=32, num_examples=None, skip=0):
    """The first `batches` training batches of `name` (numpy), after `skip`."""
    src = photos.load_reflection(name.partition(":")[2], split="train", data_dir=None,
                                 image_size=size)
    if num_examples:
        src = dataclasses.replace(src, num_examples=num_examples)
    ds = src.build(batch_size=batch_size, seed=seed).dataset.skip(skip).take(batches)
    return [tuple(x.numpy() for x in b) for b in ds]


def test_the_fixed_blend_in_tensorflow_ops_equals_numpy():
    t = photos._clean_patches("test", 32, count=3)
    r = photos._clean_patches("test", 32, count=3, seed_offset=500)
    window = degradations._vignette_kernel(32)
    for i, (sigma, att, top, left, alpha) in enumerate([(1.0, 1.1, 0, 0, 0.9),
                                                        (2.53, 1.15, 20, 30, 0.85),
                                                        (5.0, 1.18, 37, 5, 1.0)]):
        t_lin, r_lin = (t[i] / 255.0) ** 2.2, (r[i] / 255.0) ** 2.2
        r_blur = ndimage.gaussian_filter(r_lin, (sigma, sigma, 0), truncate=2.0)
        blend, layer = degradations._blend(t_lin, r_blur, att,
                                           window[top:top + 32, left:left + 32], alpha)
        got = degradations.reflection_blend_tf(tf.constant(t[i]), tf.constant(r[i]), sigma,
                                               att, top, left, alpha)
        np.testing.assert_array_equal(got[0], degradations._to_uint8(
            np.clip(blend, 0, 1) ** (1 / 2.2)))
        np.testing.assert_array_equal(got[2], degradations._to_uint8(layer ** (1 / 2.2)))


def test_fresh_blends_keep_the_fixed_test_split():
    for name in ("reflection:fresh", "reflection:fresh:anyphoto:permute"):
        for mine, fixed in zip(held_out(name), held_out("reflection")):
            np.testing.assert_array_equal(mine, fixed)


def test_fresh_blends_are_seeded_by_run_seed_and_example():
    first, second = fresh_batches("reflection:fresh", 2, batch_size=8)
    again = fresh_batches("reflection:fresh", 4, batch_size=4)
    for part in range(3):  # the same examples whatever the batch size
        np.testing.assert_array_equal(np.concatenate([b[part] for b in again]),
                                      np.concatenate([first[part], second[part]]))
    other = fresh_batches("reflection:fresh", 1, seed=1)[0]
    assert np.abs(other[0] - first[0]).mean() > 0.05
    # A resumed run skips the batches it trained on and sees the same ones.
    np.testing.assert_array_equal(fresh_batches("reflection:fresh", 1, skip=1)[0][0],
                                  second[0])
    blend, transmission, reflection = first
    assert blend.shape == transmission.shape == reflection.shape == (8, 32, 32, 3)
    assert np.abs(blend - transmission).mean() > 0.05


def test_every_epoch_of_fresh_blends_is_new():
    epoch_1, epoch_2 = fresh_batches("reflection:fresh", 2, batch_size=6, num_examples=6)
    for part in (0, 1, 2):  # blends, transmissions, reflections
        assert all(np.abs(a - b).mean() > 0.01 for a, b in zip(epoch_1[part], epoch_2[part]))


def test_fresh_blend_options_reach_the_reflection():
    plain = fresh_batches("reflection:fresh", 1)[0]
    for option in ("anyphoto", "permute"):
        other = fresh_batches(f"reflection:fresh:{option}", 1)[0]
        np.testing.assert_array_equal(other[1], plain[1])  # the same transmissions
        assert not np.array_equal(other[2], plain[2])


def test_fresh_blends_distribute_over_replicas(mirrored):
    data = load_dataset("reflection:fresh", batch_size=8, image_size=32)
    element = next(iter(mirrored.experimental_distribute_dataset(data.dataset)))
    parts = [mirrored.experimental_local_results(x) for x in element]
    assert [[tuple(p.shape) for p in part] for part in parts] == [[(4, 32, 32, 3)] * 2] * 3


@pytest.mark.parametrize("arg", ["foo", "fixed:permute", "fixed:anyphoto", "fresh:sepia"])
def test_bad_reflection_options_are_one_line_errors(arg):
    with pytest.raises(UserError, match="reflection takes :fixed or :fresh") as info:
        load_dataset(f"reflection:{arg}", batch_size=4)
    assert "\n" not in str(info.value)


# ------------------------------------- colour jitter and the wider photo pool
def test_colour_jitter_turns_hue_then_scales_channels():
    red = np.array([[[[255, 0, 0]]]], np.uint8)
    np.testing.assert_array_equal(photos.colour_jitter(red, [1 / 3], [[1, 1, 1]]),
                                  [[[[0, 255, 0]]]])  # a third of the circle: red -> green
    np.testing.assert_array_equal(photos.colour_jitter(red, [0.0], [[0.5, 1, 1]]),
                                  [[[[128, 0, 0]]]])
    patches = photos._clean_patches("test", 32, count=4)
    same = photos.colour_jitter(patches, np.zeros(4), np.ones((4, 3))).numpy()
    assert np.abs(same.astype(int) - patches).max() <= 1  # no change: rounding only


def blend_scales(blend, transmission, reflection):
    """Per image and channel, the median of (blend - layer) / T in linear
    light: syn_data's attenuation alpha of T, the same in every channel when
    the blend was made from this T."""
    lin = lambda x: ((x + 1) / 2) ** 2.2  # noqa: E731
    b, t, r = lin(blend), lin(transmission), lin(reflection)
    usable = (t > 0.1) & (b < 0.9)  # away from rounding in the dark and clipping
    ratio = np.where(usable, (b - r) / np.maximum(t, 1e-6), np.nan)
    with warnings.catch_warnings():  # a channel with no usable pixel: nan
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(ratio.reshape(len(b), -1, 3), axis=1)


@pytest.mark.parametrize("name", ["reflection:fixed:jitter", "reflection:fresh:jitter"])
def test_jittered_blends_are_made_of_the_recoloured_transmission(name):
    blend, transmission, reflection = fresh_batches(name, 1, batch_size=32)[0]
    plain = fresh_batches(name.replace(":jitter", ""), 1, batch_size=32)[0]
    # The pairs are recoloured: far from the plain draw's colours.
    assert np.abs(transmission - plain[1]).mean() > 0.1
    scales = blend_scales(blend, transmission, reflection)
    assert np.nanmax(np.abs(scales - scales.mean(axis=1, keepdims=True))) < 0.05
    assert 0.75 < np.nanmin(scales) and np.nanmax(scales) < 1.05  # alpha in 0.8..1
    # The same blends against the plain, un-recoloured transmissions do not fit.
    wrong = blend_scales(blend, plain[1], reflection)
    assert np.nanmax(np.abs(wrong - wrong.mean(axis=1, keepdims=True))) > 0.2


@pytest.mark.parametrize("name", ["reflection:fixed:jitter:morephotos",
                                  "reflection:fresh:morephotos:jitter:anyphoto"])
def test_jitter_and_more_photos_keep_the_plain_test_split(name):
    for mine, fixed in zip(held_out(name), held_out("reflection")):
        np.testing.assert_array_equal(mine, fixed)


def test_more_photos_widen_only_the_reflection_training_pool():
    more = photos.load_reflection("fresh:morephotos", split="train", data_dir=None,
                                  image_size=32)
    assert len(more.photos) == len(photos.TRAIN_PHOTOS) + len(photos.REFLECTION_MORE_PHOTOS)
    hopper = photos._photo("matplotlib:grace_hopper.jpg")
    assert hopper.ndim == 3 and hopper.shape[-1] == 3 and np.ptp(hopper.mean((0, 1))) > 5
    np.testing.assert_array_equal(more.photos[-1], photos._scaled_photo(
        "matplotlib:grace_hopper.jpg", photos.PHOTO_SHORT_SIDE))
    fixed = photos.load_reflection("fixed:morephotos", split="train", data_dir=None,
                                   image_size=32)
    plain = photos.load_reflection(None, split="train", data_dir=None, image_size=32)
    assert fixed.name == "reflection:fixed:morephotos" and plain.name == "reflection"
    assert fixed.target.shape == plain.target.shape
    assert not np.array_equal(fixed.target, plain.target)
    assert len(photos.photos("train")) == len(photos.TRAIN_PHOTOS)  # other recipes' pool


@pytest.mark.parametrize("arg", ["fixed:jiter", "fresh:jitter:sepia", "jitter"])
def test_bad_colour_options_are_one_line_errors(arg):
    with pytest.raises(UserError, match=r"reflection takes :fixed or :fresh.*:jitter") as info:
        load_dataset(f"reflection:{arg}", batch_size=4)
    assert "\n" not in str(info.value)

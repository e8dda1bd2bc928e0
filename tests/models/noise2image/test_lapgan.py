"""LAPGAN: z carries every level's noise, sampling collapses the pyramid
coarse to fine, training sees the real pyramid, and bad flags name the fix."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.lapgan import LAPGAN
from tfgan_zoo.networks.pyramid import collapse, upsample


def small(**kwargs):
    model = LAPGAN(image_shape=(16, 16, 1), num_classes=3, latent_dim=5, filters=4,
                   coarse_hidden=(8,), seed=0, **kwargs)
    model.build_networks()
    return model


def test_z_holds_the_coarse_noise_and_one_plane_per_finer_level():
    model = small()
    assert model.sizes == [4, 8, 16]
    assert model.latent_dim == 5 + 8 * 8 + 16 * 16
    assert model.generator_input_spec()["z"].shape.as_list() == [None, 325]


def test_sampling_collapses_the_drawn_pyramid_coarse_to_fine():
    model = small()
    z = tf.constant(np.random.default_rng(0).standard_normal((3, 325)), tf.float32)
    labels = tf.constant([0, 1, 2])
    levels = model.pyramid(z, labels)
    assert [l.shape[1] for l in levels] == [4, 8, 8, 16, 16]
    for k in (1, 3):  # I_k = clip(h_k + u(I_{k+1}), -1, 1)
        np.testing.assert_allclose(
            levels[k + 1], np.clip(levels[k] + upsample(levels[k - 1]), -1, 1), atol=1e-6)
    np.testing.assert_array_equal(levels[-1], model.generate(z, labels))
    unclipped = collapse([levels[3], levels[1], levels[0]])
    assert np.abs(np.clip(unclipped, -1, 1) - levels[-1]).max() < 1.0  # same picture


def test_training_targets_are_the_real_pyramid():
    model = small()
    images = tf.constant(np.random.default_rng(1).uniform(-1, 1, (2, 16, 16, 1)), tf.float32)
    coarse, h8, low8, h16, low16 = model.real_levels(images)
    assert coarse.shape[1:] == (4, 4, 1) and h16.shape[1:] == (16, 16, 1)
    np.testing.assert_allclose(collapse([h16, h8, coarse]), images, atol=1e-6)
    np.testing.assert_allclose(low16, upsample(h8 + low8), atol=1e-6)
    logits = model.discriminate(images, tf.constant([0, 1]))
    assert len(logits) == 3 and all(l.shape == (2, 1) for l in logits)


@pytest.mark.parametrize("kwargs, message", [
    ({"levels": 1}, "--levels 3"),
    ({"levels": 6}, "divisible by 32"),
    ({"dropout": 1.0}, r"--dropout must be a finite rate in \[0, 1\)"),
])
def test_bad_flags_name_the_fix(kwargs, message):
    with pytest.raises(UserError, match=message):
        LAPGAN(**{"image_shape": (16, 16, 1), "num_classes": 3, **kwargs})

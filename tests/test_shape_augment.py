"""Label-preserving augmentation of a classifier's training images
(`tfgan_zoo.augment.shape_augment`, DTN's source phase)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.augment import _uniform, affine, contrast, elastic, shape_augment, zoom
from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.domain import content_encoder, mlp
from tfgan_zoo.recipes import dtn
from tfgan_zoo.training.classifier import fit_classifier

SEED = tf.constant([3, 4])


def images(n=8, side=8, channels=3):
    return tf.constant(np.random.default_rng(0).uniform(-1, 1, (n, side, side, channels)),
                       tf.float32)


def test_no_policy_is_the_identity():
    x = images()
    np.testing.assert_array_equal(shape_augment(x, "", SEED), x)


def test_grey_averages_the_channels_and_invert_negates_whole_images():
    x = images()
    grey = shape_augment(x, "grey", SEED).numpy()
    mean = np.repeat(x.numpy().mean(-1, keepdims=True), 3, -1)
    greyed = np.all(np.abs(grey - mean) < 1e-6, axis=(1, 2, 3))
    kept = np.all(grey == x.numpy(), axis=(1, 2, 3))
    assert np.all(greyed | kept) and greyed.any() and kept.any()
    flipped = shape_augment(x, "invert", SEED).numpy()
    same = np.all(flipped == x.numpy(), axis=(1, 2, 3))
    negated = np.all(flipped == -x.numpy(), axis=(1, 2, 3))
    assert np.all(same | negated) and same.any() and negated.any()


def test_affine_without_motion_is_the_identity_and_the_default_moves():
    x = images()
    still = affine(x, SEED, angle=0.0, scale=0.0, shear=0.0, shift=0.0)
    np.testing.assert_allclose(still, x, atol=1e-5)
    assert float(tf.reduce_max(tf.abs(affine(x, SEED) - x))) > 0.1


def test_elastic_without_motion_is_the_identity_and_keeps_a_flat_image():
    x = images()
    np.testing.assert_allclose(elastic(x, SEED, alpha=0.0), x, atol=1e-6)
    assert float(tf.reduce_max(tf.abs(elastic(x, SEED) - x))) > 0.1
    flat = tf.fill([2, 8, 8, 3], 0.25)
    np.testing.assert_allclose(shape_augment(flat, "elastic", SEED), flat, atol=1e-6)


def test_zoom_magnifies_about_the_centre_by_the_drawn_factor():
    # Bilinear sampling is exact on a ramp, so each output column reads the
    # input column cx + (j - cx) / z: hand-computed, with z the drawn factor.
    side, n = 9, 4
    ramp = tf.constant(np.broadcast_to(np.arange(side, dtype=np.float32)[None, None, :, None],
                                       (n, side, side, 1)))
    factors = _uniform(SEED, 0, [n], 1.0, 2.0).numpy()
    centre = (side - 1) / 2
    expected = centre + (np.arange(side)[None, :] - centre) / factors[:, None]
    np.testing.assert_allclose(zoom(ramp, SEED, largest=2.0).numpy()[:, 4, :, 0], expected,
                               atol=1e-4)
    assert (factors > 1.0).all() and (factors < 2.0).all()
    np.testing.assert_allclose(zoom(images(), SEED, largest=1.0), images(), atol=1e-5)


def test_contrast_stretches_half_the_images_to_the_full_range_and_keeps_flat_ones():
    x = images(n=32) * 0.3 + 0.2  # values in [-0.1, 0.5]
    y = contrast(x, SEED).numpy()
    x = x.numpy()
    low, high = x.min(axis=(1, 2, 3), keepdims=True), x.max(axis=(1, 2, 3), keepdims=True)
    stretched = (x - low) / (high - low) * 2 - 1
    kept = np.all(y == x, axis=(1, 2, 3))
    full = np.all(np.abs(y - stretched) < 1e-5, axis=(1, 2, 3))
    assert np.all(kept | full) and kept.any() and full.any()
    flat = tf.fill([8, 4, 4, 3], 0.25)
    np.testing.assert_array_equal(contrast(flat, SEED), flat)


def test_stroke_only_dilates_or_erodes():
    x = images(n=32)
    y = shape_augment(x, "stroke", SEED).numpy()
    thick = tf.nn.max_pool2d(x, 3, 1, "SAME").numpy()
    thin = -tf.nn.max_pool2d(-x, 3, 1, "SAME").numpy()
    for a, b, c, d in zip(y, x.numpy(), thick, thin):
        assert (a == b).all() or (a == c).all() or (a == d).all()


def test_unknown_policy_is_one_line_naming_the_choices(capsys):
    with pytest.raises(UserError, match="unknown classifier augmentation blur: .*stroke"):
        shape_augment(images(), "grey,blur", SEED)
    with pytest.raises(SystemExit) as done:
        dtn.build_parser().parse_args(["--source-augment", "blur"])
    assert done.value.code == 2
    assert "grey, invert, affine, stroke, elastic, contrast, zoom" in capsys.readouterr().err
    assert dtn.build_parser().parse_args(["--source-augment", "contrast,zoom"])


def test_source_classifier_trains_on_augmented_batches():
    encoder = content_encoder((8, 8, 3), width=2, feature_dim=4)
    head = mlp(4, (), 10, "head")
    fit_classifier(encoder, head, ["ucidigits"], steps=2, batch_size=4,
                   optimizer=keras.optimizers.Adam(1e-3), augment="grey,invert,affine,stroke")
    assert np.isfinite(head(encoder(images(2))).numpy()).all()
    with pytest.raises(UserError, match="unknown classifier augmentation"):
        fit_classifier(encoder, head, ["ucidigits"], steps=1, batch_size=4,
                       optimizer=keras.optimizers.Adam(1e-3), augment="blur")

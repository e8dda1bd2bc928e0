"""DiffAugment (tfgan_zoo.augment): each transformation does exactly what
Zhao et al.'s reference code does, is seeded, and passes gradients."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import augment
from tfgan_zoo.errors import UserError

SEED = tf.constant([3, 7], tf.int32)


def test_shift_moves_rows_and_fills_with_zero():
    x = tf.reshape(tf.range(1.0, 17.0), [1, 4, 4, 1])
    down = augment._shift_axis(x, tf.constant([[1]]))[0, ..., 0].numpy()
    np.testing.assert_array_equal(down[:3], x[0, 1:, :, 0].numpy())
    np.testing.assert_array_equal(down[3], 0.0)
    up = augment._shift_axis(x, tf.constant([[-2]]))[0, ..., 0].numpy()
    np.testing.assert_array_equal(up[:2], 0.0)
    np.testing.assert_array_equal(up[2:], x[0, :2, :, 0].numpy())


def test_translation_moves_one_pixel_within_an_eighth():
    x = np.zeros([64, 16, 16, 1], np.float32)
    x[:, 8, 8] = 1.0
    out = augment.translation(tf.constant(x), SEED).numpy()[..., 0]
    assert np.all(out.sum(axis=(1, 2)) == 1.0)  # 16 px: shift <= 2, stays inside
    rows, cols = np.nonzero(out.reshape(64, -1))[1] // 16, np.nonzero(out.reshape(64, -1))[1] % 16
    assert set(rows - 8) == set(cols - 8) == {-2, -1, 0, 1, 2}


def test_cutout_zeroes_one_half_size_square():
    out = augment.cutout(tf.ones([64, 16, 16, 1]), SEED).numpy()[..., 0]
    zeros = (out == 0).sum(axis=(1, 2))
    assert zeros.max() == 64 and zeros.min() > 0  # 8x8 inside, clipped at edges
    for image in out:
        rows, cols = np.nonzero(image == 0)
        assert len(rows) == (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)


def test_color_is_an_affine_map_per_grey_image():
    # Saturation is a no-op on one channel: brightness then contrast leave
    # out = a x + b with a in [0.5, 1.5] for each image.
    x = tf.random.stateless_uniform([8, 6, 6, 1], [1, 2], -1, 1)
    out = augment.color(x, SEED).numpy().reshape(8, -1)
    for xi, yi in zip(x.numpy().reshape(8, -1), out):
        a, b = np.polyfit(xi, yi, 1)
        np.testing.assert_allclose(yi, a * xi + b, atol=1e-5)
        assert 0.5 <= a <= 1.5


def test_seeded_differentiable_and_identity_without_policy():
    x = tf.Variable(tf.random.stateless_normal([4, 8, 8, 3], [0, 1]))
    policy = "color,translation,cutout"
    first = augment.diff_augment(x, policy, SEED)
    np.testing.assert_array_equal(first, augment.diff_augment(x, policy, SEED))
    assert not np.allclose(first, augment.diff_augment(x, policy, SEED + 1))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(augment.diff_augment(x, policy, SEED) ** 2)
    assert np.abs(tape.gradient(loss, x).numpy()).sum() > 0
    assert augment.diff_augment(x, None, SEED) is x


def test_unknown_policy_names_the_choices():
    with pytest.raises(UserError, match="choose a comma-separated list of color"):
        augment.parse_policy("color,flip")


@pytest.mark.parametrize("shape", [(3, 28, 20, 3), (2, 9, 9, 1)])
def test_every_policy_keeps_shape_and_dtype(shape):
    x = tf.random.stateless_uniform(shape, [5, 6], -1, 1)
    for policy in ("color", "translation", "cutout", "color,translation,cutout"):
        out = augment.diff_augment(x, policy, SEED)
        assert out.shape == shape and out.dtype == tf.float32, policy
    # Mixed precision: a bfloat16 batch stays bfloat16 (the ops run in float32).
    half = augment.diff_augment(tf.cast(x, tf.bfloat16), "color,translation,cutout", SEED)
    assert half.shape == shape and half.dtype == tf.bfloat16


def test_gradient_goes_back_to_the_pixel_each_output_came_from():
    # Unique pixel values locate each image's shift; G's gradient through T
    # must land on the input pixel an output pixel was copied from, and be
    # zero inside the cutout square and on pixels shifted out of the frame.
    x = tf.Variable(tf.reshape(tf.range(1.0, 1.0 + 16 * 16 * 16), [16, 16, 16, 1]))
    w = tf.random.stateless_normal([16, 16, 16, 1], [9, 9])
    with tf.GradientTape() as tape:
        out = augment.diff_augment(x, "translation,cutout", SEED)
        loss = tf.reduce_sum(out * w)
    grad, out, w = tape.gradient(loss, x).numpy(), out.numpy(), w.numpy()
    expected = np.zeros_like(grad)
    for index in np.flatnonzero(out):  # out pixel copied from input pixel value - 1
        expected.reshape(-1)[int(out.reshape(-1)[index]) - 1] += w.reshape(-1)[index]
    np.testing.assert_allclose(grad, expected, rtol=1e-6)
    assert (out == 0).sum() > 0 and np.count_nonzero(grad) == np.count_nonzero(out)


def test_voxel_translation_moves_a_voxel_within_an_eighth_and_fills_with_empty():
    # 16^3: shifts of up to 2 voxels along each axis, independently
    x = -np.ones([64, 16, 16, 16, 1], np.float32)
    x[:, 8, 8, 8] = 1.0
    out = augment.voxel_translation(tf.constant(x), SEED).numpy()[..., 0]
    assert set(np.unique(out)) == {-1.0, 1.0}  # empty space fills, not 0
    assert np.all((out > 0).sum(axis=(1, 2, 3)) == 1)
    where = np.argwhere(out > 0)[:, 1:] - 8
    for axis in range(3):
        assert set(where[:, axis]) == {-2, -1, 0, 1, 2}
    assert len({tuple(w) for w in where}) > 20  # the axes are drawn apart
    # a voxel on the face leaves the grid where it is pushed out
    edge = -np.ones([64, 16, 16, 16, 1], np.float32)
    edge[:, 0, 8, 8] = 1.0
    kept = (augment.voxel_translation(tf.constant(edge), SEED).numpy() > 0).sum(axis=(1, 2, 3, 4))
    assert set(kept) == {0, 1}


def test_voxel_flip_mirrors_half_the_grids_left_right():
    x = tf.random.stateless_uniform([64, 4, 3, 2, 1], [1, 1], -1, 1)
    out = augment.voxel_flip(x, SEED).numpy()
    flipped = [np.array_equal(o, xi[::-1]) for o, xi in zip(out, x.numpy())]
    same = [np.array_equal(o, xi) for o, xi in zip(out, x.numpy())]
    assert all(f != s for f, s in zip(flipped, same))  # one or the other
    assert 16 < sum(flipped) < 48


def test_voxel_augment_is_seeded_differentiable_and_names_its_choices():
    x = tf.Variable(tf.random.stateless_uniform([4, 8, 8, 8, 1], [0, 1], -1, 1))
    first = augment.voxel_augment(x, "translation,flip", SEED)
    np.testing.assert_array_equal(first, augment.voxel_augment(x, "translation,flip", SEED))
    assert not np.allclose(first, augment.voxel_augment(x, "translation,flip", SEED + 1))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum((augment.voxel_augment(x, "translation,flip", SEED) + 1) ** 2)
    assert np.abs(tape.gradient(loss, x).numpy()).sum() > 0
    assert augment.voxel_augment(x, None, SEED) is x
    with pytest.raises(UserError) as excinfo:
        augment.parse_voxel_policy("translation,cutout")
    assert "\n" not in str(excinfo.value)
    assert "unknown voxel augmentation cutout: choose a comma-separated list of " \
           "translation, flip" in str(excinfo.value)

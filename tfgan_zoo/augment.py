"""Differentiable augmentation for the discriminator (DiffAugment, Zhao et al.
2020, "Differentiable Augmentation for Data-Efficient GAN Training").

With little data the discriminator memorises the real images and its
feedback to the generator degrades. DiffAugment shows D only augmented
images, T(x) and T(G(z)), with the SAME random transformation family on
both sides, and lets G's gradient flow back through T: every op here is
differentiable in the images (the random parameters are not). Augmenting
only the real images would teach G to draw the augmentations.

Policies, as in the paper's reference code (`DiffAugment_tf.py`):
    color        brightness + U(-0.5, 0.5); saturation x U(0, 2) around the
                 pixel's channel mean (a no-op on grey images); contrast
                 x U(0.5, 1.5) around the image mean
    translation  shift by up to 1/8 of the size in each axis, zero fill
    cutout       zero a square of half the size at a random centre
Images are float NHWC in [-1, 1]. Randomness is stateless: pass a seed
pair (e.g. `AdversarialModel.next_seed()`), so replicas draw differently and
runs repeat.
"""

from __future__ import annotations

import tensorflow as tf

from tfgan_zoo.errors import UserError


def _uniform(seed, index, shape, low=0.0, high=1.0, dtype=tf.float32):
    seed = tf.random.experimental.stateless_fold_in(seed, index)
    return tf.random.stateless_uniform(shape, seed, low, high, dtype=dtype)


def color(images, seed):
    """Random brightness, saturation and contrast, per image."""
    n = tf.shape(images)[0]
    images = images + (_uniform(seed, 0, [n, 1, 1, 1]) - 0.5)
    mean = tf.reduce_mean(images, axis=3, keepdims=True)
    images = (images - mean) * _uniform(seed, 1, [n, 1, 1, 1], 0.0, 2.0) + mean
    mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    return (images - mean) * _uniform(seed, 2, [n, 1, 1, 1], 0.5, 1.5) + mean


def _shift_axis(images, shift):
    """out[:, i] = images[:, i + shift] per image, zero outside; axis 1."""
    size = tf.shape(images)[1]
    padded = tf.pad(images, [[0, 0], [1, 1], [0, 0], [0, 0]])
    index = tf.clip_by_value(tf.range(size)[None, :] + shift + 1, 0, size + 1)
    return tf.gather(padded, index, axis=1, batch_dims=1)


def translation(images, seed, ratio=0.125):
    """Shift each image by up to `ratio` of its size in each axis, zero fill."""
    n = tf.shape(images)[0]
    size = tf.shape(images)[1:3]
    limit = tf.cast(tf.cast(size, tf.float32) * ratio + 0.5, tf.int32)
    dy = _uniform(seed, 0, [n, 1], -limit[0], limit[0] + 1, tf.int32)
    dx = _uniform(seed, 1, [n, 1], -limit[1], limit[1] + 1, tf.int32)
    images = _shift_axis(images, dy)
    swapped = tf.transpose(images, [0, 2, 1, 3])
    return tf.transpose(_shift_axis(swapped, dx), [0, 2, 1, 3])


def cutout(images, seed, ratio=0.5):
    """Zero a square of `ratio` of the size at a random centre, per image."""
    n = tf.shape(images)[0]
    size = tf.shape(images)[1:3]
    cut = tf.cast(tf.cast(size, tf.float32) * ratio + 0.5, tf.int32)
    cy = _uniform(seed, 0, [n, 1, 1], 0, size[0] + (1 - cut[0] % 2), tf.int32)
    cx = _uniform(seed, 1, [n, 1, 1], 0, size[1] + (1 - cut[1] % 2), tf.int32)
    rows = tf.range(size[0])[None, :, None] - (cy - cut[0] // 2)
    cols = tf.range(size[1])[None, None, :] - (cx - cut[1] // 2)
    inside = ((rows >= 0) & (rows < cut[0])) & ((cols >= 0) & (cols < cut[1]))
    return images * tf.cast(~inside, images.dtype)[..., None]


POLICIES = {"color": color, "translation": translation, "cutout": cutout}


def parse_policy(policy):
    """'color,translation,cutout' -> ('color', 'translation', 'cutout'); None
    or '' -> (). UserError naming the choices on an unknown name."""
    names = tuple(p.strip() for p in (policy or "").split(",") if p.strip())
    unknown = [p for p in names if p not in POLICIES]
    if unknown:
        raise UserError(f"unknown augmentation {', '.join(unknown)}: choose a "
                        f"comma-separated list of {', '.join(POLICIES)}")
    return names


def diff_augment(images, policy, seed):
    """Apply the policy's transformations in order; identity for no policy."""
    for index, name in enumerate(parse_policy(policy)):
        dtype = images.dtype
        images = tf.cast(POLICIES[name](tf.cast(images, tf.float32),
                                        tf.random.experimental.stateless_fold_in(seed, index)),
                         dtype)
    return images

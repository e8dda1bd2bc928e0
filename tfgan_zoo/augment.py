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
Images are float NHWC in [-1, 1]. For voxel grids (3D-GAN), `voxel_augment`
applies `VOXEL_POLICIES`: translation (the same, by up to 1/8 of the size
along each of the three axes, filled with empty space) and flip (mirror
left-right with probability 1/2). Randomness is stateless: pass a seed
pair (e.g. `AdversarialModel.next_seed()`), so replicas draw differently and
runs repeat.

`AdaptiveAugment` gates a policy ADA-style (Karras et al. 2020, "Training
Generative Adversarial Networks with Limited Data", §3): each
transformation reaches each image with probability p, and p follows D's
overfitting, r_t = E[sign(D(x))] over the augmented real images D trained
on, towards a target.

`shape_augment` is the other kind: label-preserving augmentation of a
classifier's training images (grey, polarity, affine warp, stroke width,
elastic distortion, contrast stretch, zoom), for
a feature extractor that must read digits of an unseen style (DTN's f).
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.losses import replica_sum


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
    """out[:, i] = images[:, i + shift] per image, zero outside; axis 1 (of
    images or voxel grids, any rank)."""
    size = tf.shape(images)[1]
    padded = tf.pad(images, [[0, 0], [1, 1]] + [[0, 0]] * (images.shape.rank - 2))
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


def voxel_translation(voxels, seed, ratio=0.125):
    """Shift each grid [N, D, H, W, C] in [-1, 1] by up to `ratio` of its
    size along each of its three axes (integer voxels, independently),
    filling with empty space (-1): `translation` in 3-D."""
    n = tf.shape(voxels)[0]
    occupancy = voxels + 1  # empty is 0, so `_shift_axis`'s zero fill is empty
    for axis in (1, 2, 3):
        limit = tf.cast(tf.cast(tf.shape(voxels)[axis], tf.float32) * ratio + 0.5, tf.int32)
        shift = _uniform(seed, axis - 1, [n, 1], -limit, limit + 1, tf.int32)
        order = [0, axis] + [a for a in (1, 2, 3, 4) if a != axis]  # axis to 1
        moved = _shift_axis(tf.transpose(occupancy, order), shift)
        occupancy = tf.transpose(moved, tf.argsort(order))
    return occupancy - 1


def voxel_flip(voxels, seed):
    """Mirror each grid [N, D, H, W, C] across its first axis (left-right on
    `tfgan_zoo.data.furniture`'s grids, a symmetry of every class there but
    for a one-voxel shift: an odd width sits half a voxel off centre) with
    probability 1/2."""
    flip = _uniform(seed, 0, [tf.shape(voxels)[0], 1, 1, 1, 1]) < 0.5
    return tf.where(flip, tf.reverse(voxels, [1]), voxels)


VOXEL_POLICIES = {"translation": voxel_translation, "flip": voxel_flip}


def _parse(policy, table, what):
    names = tuple(p.strip() for p in (policy or "").split(",") if p.strip())
    unknown = [p for p in names if p not in table]
    if unknown:
        raise UserError(f"unknown {what} {', '.join(unknown)}: choose a "
                        f"comma-separated list of {', '.join(table)}")
    return names


def parse_policy(policy):
    """'color,translation,cutout' -> ('color', 'translation', 'cutout'); None
    or '' -> (). UserError naming the choices on an unknown name."""
    return _parse(policy, POLICIES, "augmentation")


def parse_voxel_policy(policy):
    """'translation,flip' -> ('translation', 'flip'), as `parse_policy`, for
    voxel grids."""
    return _parse(policy, VOXEL_POLICIES, "voxel augmentation")


def voxel_augment(voxels, policy, seed):
    """DiffAugment on voxel grids in [-1, 1]: the policy's transformations
    (`VOXEL_POLICIES`) in order, each on every grid; identity for none."""
    for index, name in enumerate(parse_voxel_policy(policy)):
        voxels = VOXEL_POLICIES[name](voxels, tf.random.experimental.stateless_fold_in(seed,
                                                                                       index))
    return voxels


def diff_augment(images, policy, seed, probability=None):
    """Apply the policy's transformations in order; identity for no policy.
    With `probability` p (a scalar), each transformation reaches each image
    with probability p, drawn independently (ADA's gate); the others pass
    unchanged, so p = 0 is the identity. None applies every one to every
    image (DiffAugment)."""
    for index, name in enumerate(parse_policy(policy)):
        dtype = images.dtype
        step_seed = tf.random.experimental.stateless_fold_in(seed, index)
        plain = tf.cast(images, tf.float32)
        changed = POLICIES[name](plain, step_seed)
        if probability is not None:
            # index 7: a stream no transformation draws from (they use 0-2)
            gate = _uniform(step_seed, 7, [tf.shape(plain)[0], 1, 1, 1]) < probability
            changed = tf.where(gate, changed, plain)
        images = tf.cast(changed, dtype)
    return images


# How often p moves, in D updates (stylegan2-ada's `ada_interval`).
ADA_INTERVAL = 4


class AdaptiveAugment(keras.layers.Layer):
    """Adaptive discriminator augmentation (ADA; Karras et al. 2020, §3).

    D sees `policy` (DiffAugment's differentiable transformations, on real
    and fake alike) applied to each image with probability p. p starts at
    0. Every `ADA_INTERVAL` D updates it moves by

        sign(r_t - target) * (images seen in the interval) / (kimg * 1000)

    with r_t = E[sign(D(x))] over those updates' augmented real images: the
    share of reals D calls real, as 2 share - 1. An overconfident D (r_t
    above the target, 0.6 in the paper) gets more augmentation, a D that
    doubts the reals less; p can cross [0, 1] in `kimg` thousand images (500
    in the paper) and stays inside it. p and the interval's tallies are
    non-trainable weights, so a checkpoint saves them and a resumed run
    goes on from its p (stylegan2-ada's `training_loop.py`, `ada_target`,
    `ada_interval`, `ada_kimg`, written anew here).

    The heuristic reads D's real/fake logit (a positive logit means
    "real"), as the non-saturating and minimax losses have it; a critic's
    score (WGAN) has no such zero.
    """

    def __init__(self, policy="translation", target=0.6, kimg=500, **kwargs):
        super().__init__(dtype="float32", **kwargs)
        self.policy = ",".join(parse_policy(policy))
        if not self.policy:
            raise UserError("adaptive augmentation needs a policy: pass e.g. "
                            "--diff-augment translation with --ada-target")
        self.target, self.kimg = float(target), float(kimg)
        weight = {"shape": (), "initializer": "zeros", "trainable": False,
                  "aggregation": "only_first_replica"}
        self.probability = self.add_weight(name="p", **weight)
        self.sign_sum = self.add_weight(name="sign_sum", **weight)
        self.logit_count = self.add_weight(name="logit_count", **weight)
        self.image_count = self.add_weight(name="image_count", **weight)
        self.updates = self.add_weight(name="updates", **weight)
        # the last real batch's E[sign(D(x))], for the logs
        self.heuristic = self.add_weight(name="heuristic", **weight)

    def augment(self, images, seed, off=False):
        """The policy, each transformation on each image with probability p
        (0 where `off`, a bool or a boolean tensor: the images unchanged)."""
        return diff_augment(images, self.policy, seed, tf.where(off, 0.0, self.probability))

    def observe(self, real_logits, frozen=False, reset=False):
        """Tally sign(D(x)) of one D update's augmented real batch, and move p
        at the end of every interval, unless `frozen` (a bool or a boolean
        tensor): then p keeps its value while the tallies and the logged
        heuristic go on. `reset` (likewise) sets p to 0 instead. `heuristic`
        keeps this batch's E[sign(D(x))], over all replicas."""
        signs = tf.sign(tf.cast(real_logits, tf.float32))
        sign_sum = replica_sum(tf.reduce_sum(signs))
        logits = replica_sum(tf.cast(tf.size(signs), tf.float32))
        images = replica_sum(tf.cast(tf.shape(signs)[0], tf.float32))
        self.sign_sum.assign_add(sign_sum)
        self.logit_count.assign_add(logits)
        self.image_count.assign_add(images)
        self.updates.assign_add(1.0)
        self.heuristic.assign(sign_sum / logits)
        due = tf.equal(tf.math.floormod(self.updates, ADA_INTERVAL), 0.0)
        heuristic = self.sign_sum / tf.maximum(self.logit_count, 1.0)
        step = tf.sign(heuristic - self.target) * self.image_count / (self.kimg * 1000.0)
        moved = tf.clip_by_value(self.probability + step, 0.0, 1.0)
        moves = tf.logical_and(due, tf.logical_not(frozen))
        kept = tf.where(moves, moved, self.probability)
        self.probability.assign(tf.where(reset, 0.0, kept))
        for tally in (self.sign_sum, self.logit_count, self.image_count):
            tally.assign(tf.where(due, 0.0, tally))


# ------------------------------------------------- classifier augmentation
def grey(images, seed):
    """Half the images to their channel mean: colour carries no label, but
    the classifier still reads its own coloured domain."""
    mean = tf.repeat(tf.reduce_mean(images, axis=3, keepdims=True), tf.shape(images)[3], 3)
    return tf.where(_uniform(seed, 0, [tf.shape(images)[0], 1, 1, 1]) < 0.5, mean, images)


def invert(images, seed):
    """Half the images negated: light-on-dark and dark-on-light alike."""
    flip = _uniform(seed, 0, [tf.shape(images)[0], 1, 1, 1]) < 0.5
    return tf.where(flip, -images, images)


def _warp(images, turn, zoom, slant, dx, dy):
    """Each image rotated by `turn` rad, magnified by `zoom`, sheared by
    `slant` and shifted by (dx, dy) pixels about its centre (each [N]),
    bilinear, edges repeated."""
    n = tf.shape(images)[0]
    side = tf.cast(tf.shape(images)[1:3], tf.float32)
    cos, sin = tf.cos(turn) / zoom, tf.sin(turn) / zoom
    # output pixel (x, y) reads input (a0 x + a1 y + a2, b0 x + b1 y + b2)
    a0, a1, b0, b1 = cos, slant * cos - sin, sin, cos + slant * sin
    cx, cy = (side[1] - 1.0) / 2.0, (side[0] - 1.0) / 2.0
    a2 = cx - a0 * cx - a1 * cy + dx
    b2 = cy - b0 * cx - b1 * cy + dy
    zero = tf.zeros([n])
    transforms = tf.stack([a0, a1, a2, b0, b1, b2, zero, zero], axis=1)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transforms, output_shape=tf.shape(images)[1:3],
        fill_value=0.0, interpolation="BILINEAR", fill_mode="NEAREST")


def affine(images, seed, angle=0.3, scale=0.2, shear=0.3, shift=0.1):
    """A random rotation (+-`angle` rad), scale (1 +- `scale`), shear
    (+-`shear`) and translation (+-`shift` of the side) about the centre,
    bilinear, edges repeated: a writer's slant and size, not a new shape."""
    n = tf.shape(images)[0]
    side = tf.cast(tf.shape(images)[1:3], tf.float32)
    return _warp(images, _uniform(seed, 0, [n], -angle, angle),
                 _uniform(seed, 1, [n], 1.0 - scale, 1.0 + scale),
                 _uniform(seed, 2, [n], -shear, shear),
                 _uniform(seed, 3, [n], -shift, shift) * side[1],
                 _uniform(seed, 4, [n], -shift, shift) * side[0])


def zoom(images, seed, largest=1.4):
    """Every image magnified about its centre by U(1, `largest`): a digit
    that fills more of its frame, as a handwritten one does (MNIST's fills
    20 of 28 pixels), with the neighbours of a crop pushed out of it."""
    n = tf.shape(images)[0]
    zero = tf.zeros([n])
    return _warp(images, zero, _uniform(seed, 0, [n], 1.0, largest), zero, zero, zero)


def contrast(images, seed):
    """Half the images stretched to the full range: their darkest value
    (over pixels and channels) to -1, their brightest to 1; flat images
    kept. A pen stroke on paper is black on white; a render's colours may
    be 80 grey levels apart."""
    low = tf.reduce_min(images, axis=[1, 2, 3], keepdims=True)
    high = tf.reduce_max(images, axis=[1, 2, 3], keepdims=True)
    spread = high - low
    stretched = (images - low) / tf.maximum(spread, 1e-3) * 2.0 - 1.0
    pick = (_uniform(seed, 0, [tf.shape(images)[0], 1, 1, 1]) < 0.5) & (spread > 1e-3)
    return tf.where(pick, stretched, images)


def stroke(images, seed):
    """A quarter of the images dilated, a quarter eroded (3x3 max / min):
    thicker and thinner strokes, for light strokes on a dark ground."""
    pick = _uniform(seed, 0, [tf.shape(images)[0], 1, 1, 1])
    thick = tf.nn.max_pool2d(images, 3, 1, "SAME")
    thin = -tf.nn.max_pool2d(-images, 3, 1, "SAME")
    return tf.where(pick < 0.25, thick, tf.where(pick < 0.5, thin, images))


def elastic(images, seed, alpha=0.08, grid=4):
    """Every pixel moved by a smooth random field (Simard, Steinkraus & Platt
    2003's elastic distortion, the Gaussian-smoothed noise replaced by a
    `grid` x `grid` lattice of uniform displacements upsampled bicubically):
    at most `alpha` of the side, bilinear, edges repeated. Strokes bend
    as a hand bends them; the digit stays the same."""
    n, h, w = tf.shape(images)[0], tf.shape(images)[1], tf.shape(images)[2]
    size = tf.cast(tf.stack([h, w]), tf.float32)
    coarse = _uniform(seed, 0, [n, grid, grid, 2], -alpha, alpha)
    field = tf.image.resize(coarse, [h, w], method="bicubic") * size
    rows, cols = tf.meshgrid(tf.range(h, dtype=tf.float32), tf.range(w, dtype=tf.float32),
                             indexing="ij")
    y = tf.clip_by_value(rows + field[..., 0], 0.0, size[0] - 1.0)
    x = tf.clip_by_value(cols + field[..., 1], 0.0, size[1] - 1.0)
    y0, x0 = tf.floor(y), tf.floor(x)
    wy, wx = (y - y0)[..., None], (x - x0)[..., None]
    y0, x0 = tf.cast(y0, tf.int32), tf.cast(x0, tf.int32)
    y1, x1 = tf.minimum(y0 + 1, h - 1), tf.minimum(x0 + 1, w - 1)

    def at(yy, xx):
        return tf.gather_nd(images, tf.stack([yy, xx], -1), batch_dims=1)

    top = at(y0, x0) * (1.0 - wx) + at(y0, x1) * wx
    bottom = at(y1, x0) * (1.0 - wx) + at(y1, x1) * wx
    return top * (1.0 - wy) + bottom * wy


SHAPE_POLICIES = {"grey": grey, "invert": invert, "affine": affine, "stroke": stroke,
                  "elastic": elastic, "contrast": contrast, "zoom": zoom}


def parse_shape_policy(policy):
    """'grey,invert,affine,stroke' -> a tuple of names; None or '' -> ()."""
    return _parse(policy, SHAPE_POLICIES, "classifier augmentation")


def shape_augment(images, policy, seed):
    """Apply the policy's label-preserving transformations in order."""
    for index, name in enumerate(parse_shape_policy(policy)):
        images = SHAPE_POLICIES[name](images, tf.random.experimental.stateless_fold_in(
            seed, index))
    return images


# The six orders of three channels (channel-permutation augmentation).
_CHANNEL_ORDERS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


def symmetry_augment(batches, seed):
    """The same random transform, drawn per example, of each batch in
    `batches` (e.g. a low-res and a high-res batch, or one batch): the
    eight flips and transposes of the square (EDSR's augmentation for
    super-resolution; transposes only when the images are square), a
    permutation of RGB and an inversion (x -> -x). Resampling and
    inpainting commute with all of them, so pairs stay pairs; they teach a
    restoration network that detail does not depend on orientation or on a
    colour (held-out photos have colours the few training photos lack).
    Images float NHWC in [-1, 1]; `seed` a stateless seed pair."""
    first = batches[0]
    draws = tf.random.stateless_uniform([tf.shape(first)[0], 5], seed)
    flags = [draws[:, i] < 0.5 for i in range(4)]
    transforms = [lambda t: tf.reverse(t, [1]), lambda t: tf.reverse(t, [2])]
    if first.shape[1] == first.shape[2]:
        transforms.append(lambda t: tf.transpose(t, [0, 2, 1, 3]))
    out = []
    for x in batches:
        for flag, transform in zip(flags, transforms):
            x = tf.where(flag[:, None, None, None], transform(x), x)
        x = tf.where(flags[3][:, None, None, None], -x, x)
        if x.shape[-1] == 3:
            order = tf.cast(draws[:, 4] * len(_CHANNEL_ORDERS), tf.int32)
            x = tf.gather(x, tf.gather(tf.constant(_CHANNEL_ORDERS), order), axis=3,
                          batch_dims=1)
        out.append(x)
    return tuple(out)

"""Seeded image degradations for restoration datasets, in numpy: additive
Gaussian noise, procedural rain streaks and synthetic reflections.

Every function takes uint8 RGB (or grey) images [N, H, W, C] and a numpy
`Generator`, so a dataset that draws with a fixed seed is the same on every
machine. `synthesize_reflection_tf` is the reflection blend in TensorFlow
ops, for blends drawn afresh inside a tf.data pipeline.
`tfgan_zoo.data.photos` cuts the photo patches and calls these.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import tensorflow as tf
from scipy import ndimage

from tfgan_zoo.errors import UserError

# Reflection synthesis of Zhang, Ng & Chen 2018 (`syn_data` in the reference
# main.py): gamma, blur sigmas of the reflection layer, the vignetting kernel
# (gkern(560, 3), for photos of up to ~550 px; scaled with the patch).
GAMMA = 2.2
REFLECTION_SIGMAS = np.linspace(1, 5, 80)
VIGNETTE_SIDE, VIGNETTE_NSIG, VIGNETTE_PHOTO = 560, 3, 256


def _unit(images):
    return np.asarray(images, np.float64) / 255.0


def _to_uint8(images):
    return np.clip(np.rint(np.asarray(images) * 255.0), 0, 255).astype(np.uint8)


def check_sigma(sigma):
    """A noise standard deviation (0..255 units) >= 0, or a one-line error."""
    try:
        value = float(sigma)
    except (TypeError, ValueError):
        value = float("nan")
    if not value >= 0:
        raise UserError(f"the noise sigma must be a number >= 0 (in 0..255 pixel units), "
                        f"got {sigma!r}: use e.g. denoise:25")
    return value


def gaussian_noise(images, sigma, rng):
    """images + N(0, sigma^2) per pixel and channel (sigma in 0..255 units),
    clipped to 0..255 and rounded, as a camera would save them (uint8)."""
    sigma = check_sigma(sigma)
    noisy = np.asarray(images, np.float64) + rng.normal(0.0, sigma, np.shape(images))
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


def _line_kernel(length, angle):
    """A normalised motion-blur kernel: a line of `length` pixels at `angle`
    radians from the vertical, drawn with sub-pixel weights."""
    half = (length - 1) / 2.0
    side = int(np.ceil(half)) * 2 + 1
    kernel = np.zeros((side, side))
    centre = side // 2
    for t in np.linspace(-half, half, max(2, int(length) * 4)):
        y, x = centre + t * np.cos(angle), centre + t * np.sin(angle)
        y0, x0 = int(np.floor(y)), int(np.floor(x))
        for dy, dx in ((0, 0), (1, 0), (0, 1), (1, 1)):
            w = (1 - abs(y - y0 - dy)) * (1 - abs(x - x0 - dx))
            if 0 <= y0 + dy < side and 0 <= x0 + dx < side and w > 0:
                kernel[y0 + dy, x0 + dx] += w
    return kernel / kernel.sum()


def rain_streaks(height, width, rng):
    """One rain layer [H, W] in [0, 1]: sparse random drops motion-blurred
    along one direction per image (within 25 degrees of the vertical), with
    a streak length of 1/8 to 1/4 of the side, at a random density."""
    density = rng.uniform(0.005, 0.02)
    drops = (rng.uniform(size=(height, width)) < density).astype(np.float64)
    drops *= rng.uniform(0.6, 1.0, size=drops.shape)
    drops = ndimage.gaussian_filter(drops, 0.5)
    side = min(height, width)
    length = rng.uniform(side / 8, side / 4)
    angle = np.deg2rad(rng.uniform(-25, 25))
    streaks = ndimage.convolve(drops, _line_kernel(length, angle), mode="wrap")
    return np.clip(streaks / max(streaks.max(), 1e-8), 0, 1)


def add_rain(images, rng):
    """Rainy versions of uint8 images: each gets its own rain layer, added
    with an opacity of 0.5 to 0.9 and clipped (a bright, additive streak
    model, as in synthetic de-raining sets)."""
    images = np.asarray(images)
    n, h, w = images.shape[:3]
    out = _unit(images)
    for i in range(n):
        out[i] += rng.uniform(0.5, 0.9) * rain_streaks(h, w, rng)[..., None]
    return _to_uint8(out)


@functools.lru_cache(maxsize=None)
def _vignette_kernel(size):
    """The reference's gkern(560, 3), scaled from its ~256-px photos to
    patches of `size` px: a 2-D Gaussian bump, peak 1."""
    side = max(size + 12, int(round(VIGNETTE_SIDE * size / VIGNETTE_PHOTO)))
    interval = (2 * VIGNETTE_NSIG + 1.0) / side
    x = np.linspace(-VIGNETTE_NSIG - interval / 2, VIGNETTE_NSIG + interval / 2, side + 1)
    k = np.diff([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x])
    kernel = np.sqrt(np.outer(k, k))
    return kernel / kernel.max()


def synthesize_reflection(transmission, reflection, rng):
    """Blend uint8 transmission and reflection layers as `syn_data` of the
    reflection-removal reference (Zhang, Ng & Chen 2018, sec. 5.1):
    linearise both with gamma 2.2; blur the reflection with a Gaussian of
    sigma drawn from linspace(1, 5, 80); lower it where the sum overexposes
    (the mean excess above 1 per channel, times 1.08 to 1.18); weigh it by a
    randomly placed window of a vignetting kernel; scale the transmission
    by 1 - U(0, 0.2); add; back to gamma and clip.

    Returns uint8 (blend, transmission, reflection layer as blended)."""
    t = _unit(transmission) ** GAMMA
    r = _unit(reflection) ** GAMMA
    n, h, w, c = t.shape
    kernel = np.asarray(_vignette_kernel(max(h, w)))
    blends, layers = np.empty_like(t), np.empty_like(r)
    for i in range(n):
        sigma = rng.choice(REFLECTION_SIGMAS)
        # cv2.GaussianBlur with ksize 2 ceil(2 sigma) + 1: truncated at 2 sigma.
        r_blur = ndimage.gaussian_filter(r[i], (sigma, sigma, 0), truncate=2.0)
        att = 1.08 + rng.uniform() / 10.0
        top = rng.integers(0, kernel.shape[0] - h - int(10 * h / VIGNETTE_PHOTO) + 1)
        left = rng.integers(0, kernel.shape[1] - w - int(10 * w / VIGNETTE_PHOTO) + 1)
        blends[i], layers[i] = _blend(t[i], r_blur, att, kernel[top:top + h, left:left + w],
                                      1 - rng.uniform() / 5.0)
    return (_to_uint8(np.clip(blends, 0, 1) ** (1 / GAMMA)), np.asarray(transmission),
            _to_uint8(layers ** (1 / GAMMA)))


def _blend(t, r_blur, att, window, alpha):
    """syn_data's sum of linear [H, W, C] layers: the blurred reflection
    lowered by `att` times each channel's mean overexposure, weighed by the
    vignette `window`, plus `alpha` times the transmission. Returns (blend,
    reflection layer), both linear and unclipped above."""
    blend = r_blur + t
    r_blur = r_blur.copy()
    for ch in range(t.shape[-1]):
        over = blend[..., ch] > 1
        mean = max(1.0, np.sum(blend[..., ch] * over) / (over.sum() + 1e-6))
        r_blur[..., ch] -= (mean - 1) * att
    layer = np.clip(r_blur, 0, 1) * window[..., None]
    return layer + t * alpha, layer


def _gaussian_taps(sigma, radius):
    """1-D Gaussian weights of `sigma` on -radius..radius, truncated at
    int(2 sigma + 0.5) and normalised (scipy's gaussian_filter with
    truncate 2, for any sigma up to radius / 2)."""
    x = tf.range(-radius, radius + 1, dtype=tf.float32)
    taps = tf.exp(-0.5 * tf.square(x / sigma))
    taps *= tf.cast(tf.abs(x) <= tf.floor(2.0 * sigma + 0.5), tf.float32)
    return taps / tf.reduce_sum(taps)


def synthesize_reflection_tf(transmission, reflection, seed):
    """`synthesize_reflection` for one pair of uint8 [H, W, 3] tensors in
    TensorFlow ops, its random draws stateless from `seed` (shape [2]), so
    a tf.data pipeline can synthesise fresh blends with no Python in it.
    Returns uint8 (blend, transmission, reflection layer as blended)."""
    seeds = tf.random.experimental.stateless_split(seed, 5)
    h, w = int(transmission.shape[0]), int(transmission.shape[1])
    side = _vignette_kernel(max(h, w)).shape[0]
    sigma = tf.gather(tf.constant(REFLECTION_SIGMAS, tf.float32), tf.random.stateless_uniform(
        [], seeds[0], 0, len(REFLECTION_SIGMAS), tf.int32))
    att = 1.08 + tf.random.stateless_uniform([], seeds[1]) / 10.0
    top, left = (tf.random.stateless_uniform(
        [], key, 0, side - n - int(10 * n / VIGNETTE_PHOTO) + 1, tf.int32)
        for key, n in ((seeds[2], h), (seeds[3], w)))
    alpha = 1.0 - tf.random.stateless_uniform([], seeds[4]) / 5.0
    return reflection_blend_tf(transmission, reflection, sigma, att, top, left, alpha)


def reflection_blend_tf(transmission, reflection, sigma, att, top, left, alpha):
    """The blend of `synthesize_reflection` for given draws (blur `sigma`,
    overexposure factor `att`, vignette window at `top`, `left`, transmission
    scale `alpha`), in TensorFlow ops on uint8 [H, W, C] layers."""
    h, w = int(transmission.shape[0]), int(transmission.shape[1])
    t = (tf.cast(transmission, tf.float32) / 255.0) ** GAMMA
    r = (tf.cast(reflection, tf.float32) / 255.0) ** GAMMA
    radius = int(2 * REFLECTION_SIGMAS.max() + 0.5)
    taps = _gaussian_taps(tf.cast(sigma, tf.float32), radius)
    # scipy's "reflect" boundary is TF's SYMMETRIC padding; a separable blur.
    padded = tf.pad(r, [[radius, radius], [radius, radius], [0, 0]], "SYMMETRIC")[None]
    channels = int(r.shape[-1])
    across = tf.tile(taps[None, :, None, None], [1, 1, channels, 1])
    down = tf.tile(taps[:, None, None, None], [1, 1, channels, 1])
    r_blur = tf.nn.depthwise_conv2d(padded, across, [1, 1, 1, 1], "VALID")
    r_blur = tf.nn.depthwise_conv2d(r_blur, down, [1, 1, 1, 1], "VALID")[0]
    blend = r_blur + t
    over = tf.cast(blend > 1, tf.float32)
    mean = tf.maximum(1.0, tf.reduce_sum(blend * over, [0, 1])
                      / (tf.reduce_sum(over, [0, 1]) + 1e-6))
    r_blur = tf.clip_by_value(r_blur - (mean - 1.0) * att, 0.0, 1.0)
    kernel = tf.constant(_vignette_kernel(max(h, w)), tf.float32)
    layer = r_blur * kernel[top:top + h, left:left + w, None]
    blend = layer + t * alpha

    def to_uint8(x):
        return tf.cast(tf.round(tf.clip_by_value(x, 0.0, 1.0) ** (1 / GAMMA) * 255.0), tf.uint8)

    return to_uint8(blend), tf.convert_to_tensor(transmission), to_uint8(layer)

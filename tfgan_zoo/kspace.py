"""k-space: the 2-D Fourier domain an MRI scanner samples, the sampling
masks of compressed-sensing MRI and the undersampling they cause.

A scanner measures the Fourier transform of the image, k-space, one line or
point at a time; sampling only a fraction of it shortens the scan, and the
image computed from the zero-filled k-space, x_u = |IFFT(M . FFT(x))|, is
aliased. DAGAN (Yang et al. 2018, sec. III) learns to undo that aliasing.

Masks are [H, W] float32 arrays of 0/1 in the *centred* layout (the zero
frequency in the middle, as `np.fft.fftshift` puts it and as the DAGAN
reference code's `to_bad_img` applies them), made by seeded code rather than
shipped files; the reference's `.mat` masks are not used. Three kinds, each
with exactly round(rate * N) samples so that a mask's sampling rate is the
one asked for (N = lines for gaussian1d, points for the 2-D kinds):

    gaussian1d  whole k-space columns (phase-encoding lines); a quarter of
                them the central band, the rest drawn without replacement
                with Gaussian weights (sigma = W/5) on the distance from the
                centre
    gaussian2d  single points: a quarter the central disc, the rest drawn
                with 2-D Gaussian weights (sigma = side/5)
    poisson2d   a quarter of the points the central disc, the rest
                variable-density Poisson-disc points: candidates in a
                Gaussian-weighted random order, each kept when no kept point
                lies within r(k) = s (0.5 + |k| / |k|_max) of it (denser in
                the centre); s is the largest spacing that still keeps
                enough points, and the first round(rate * H * W) kept ones
                are the mask

DAGAN's reference loads its Poisson masks from the Gaussian-1D directory
(`train.py`: `config.TRAIN.mask_Gaussian1D_path` in the poisson2d branch);
here each kind has its own generator, so `poisson2d` is a Poisson-disc mask.

Named presets, `<kind>_<percent>` for the kinds at 10, 20, 30, 40 and 50 %
(e.g. `gaussian1d_30`), use seed 0.
"""

from __future__ import annotations

import functools
import math
import re

import numpy as np
import tensorflow as tf

from tfgan_zoo.errors import UserError

MASK_KINDS = ("gaussian1d", "gaussian2d", "poisson2d")
PRESET_PERCENTS = (10, 20, 30, 40, 50)
# Gaussian weights: sigma as a fraction of the side.
SIGMA_FRACTION = 0.2
# The fully sampled centre: this fraction of the samples.
CENTRE_FRACTION = 0.25


# ------------------------------------------------------------------ masks
def check_rate(rate):
    """A sampling rate as a float in (0, 1], or a one-line UserError."""
    try:
        value = float(rate)
    except (TypeError, ValueError):
        value = math.nan
    if not 0.0 < value <= 1.0:
        raise UserError(f"the k-space sampling rate must be in (0, 1], got {rate!r}: "
                        "pass e.g. --sampling-rate 0.3 for 30 %")
    return value


def check_kind(kind):
    if kind not in MASK_KINDS:
        raise UserError(f"unknown k-space mask kind {kind!r}: choose "
                        f"{', '.join(MASK_KINDS)}")
    return kind


def _centred_distance(size):
    """|k| of each index of a centred axis (fftshift layout), in samples."""
    return np.abs(np.arange(size) - size // 2).astype(np.float64)


def _gaussian_draw(weights, count, rng):
    """`count` indices of `weights` (flat), without replacement, with
    probability proportional to the weights (Efraimidis & Spirakis keys)."""
    keys = np.log(rng.uniform(size=weights.shape)) / np.maximum(weights, 1e-300)
    return np.argsort(-keys)[:count]


def _centre_first(distance, count, rng):
    """`count` flat indices: the CENTRE_FRACTION nearest the centre, then
    Gaussian-weighted draws among the rest."""
    sigma = SIGMA_FRACTION * distance.size ** (1.0 / distance.ndim)
    distance = distance.ravel()
    centre = min(count, max(1, int(round(CENTRE_FRACTION * count))))
    order = np.argsort(distance, kind="stable")
    chosen = order[:centre]
    rest = order[centre:]
    weights = np.exp(-distance[rest] ** 2 / (2 * sigma ** 2))
    return np.concatenate([chosen, rest[_gaussian_draw(weights, count - centre, rng)]])


def _poisson_disc(height, width, count, rng):
    """Flat indices of `count` variable-density Poisson-disc points."""
    rows, cols = np.meshgrid(_centred_distance(height), _centred_distance(width),
                             indexing="ij")
    radius = np.hypot(rows, cols)
    sigma = SIGMA_FRACTION * math.sqrt(height * width)
    order = np.argsort(-(np.log(rng.uniform(size=radius.size))
                         / np.exp(-radius.ravel() ** 2 / (2 * sigma ** 2))))
    # A fully sampled centre (the lowest frequencies, as the other kinds),
    # then the Poisson-disc process on the rest.
    forced = np.argsort(radius.ravel(), kind="stable")[:max(1, int(round(CENTRE_FRACTION
                                                                        * count)))]
    order = np.concatenate([forced, order[~np.isin(order, forced)]])
    relative = 0.5 + radius.ravel() / max(radius.max(), 1.0)
    pad = int(math.ceil(1.5 * max(height, width))) + 1
    stride = width + 2 * pad
    # Flat offsets of the points strictly closer than r, per r in 1/8 px.
    offsets = {}

    def within(r):
        key = int(math.ceil(r * 8))
        if key not in offsets:
            reach = int(math.ceil(key / 8))
            offsets[key] = [di * stride + dj
                            for di in range(-reach, reach + 1)
                            for dj in range(-reach, reach + 1)
                            if 0 < di * di + dj * dj < (key / 8) ** 2]
        return offsets[key]

    starts = [(int(index) // width + pad) * stride + int(index) % width + pad
              for index in order]

    def kept(spacing):
        grid = bytearray((height + 2 * pad) * stride)
        found = []
        for n, (index, base) in enumerate(zip(order, starts)):
            if n >= len(forced) and any(grid[base + o]
                                        for o in within(spacing * relative[index])):
                continue
            grid[base] = 1
            found.append(index)
            if len(found) == count:
                break
        return found

    # Spacing above ~sqrt(area per point) / 0.5 cannot keep `count` points.
    low, high = 0.0, 3.0 * math.sqrt(height * width / count)
    best = kept(low)  # spacing 0 keeps every candidate
    for _ in range(12):
        middle = (low + high) / 2
        found = kept(middle)
        if len(found) >= count:
            low, best = middle, found
        else:
            high = middle
    return np.asarray(best[:count])


@functools.lru_cache(maxsize=64)
def _mask(kind, height, width, rate, seed):
    rng = np.random.default_rng(seed)
    if kind == "gaussian1d":
        count = int(round(rate * width))
        columns = _centre_first(_centred_distance(width), max(count, 1), rng)
        mask = np.zeros((height, width), np.float32)
        mask[:, columns] = 1.0
        return mask
    count = max(1, int(round(rate * height * width)))
    if count == height * width:
        return np.ones((height, width), np.float32)
    if kind == "gaussian2d":
        rows, cols = np.meshgrid(_centred_distance(height), _centred_distance(width),
                                 indexing="ij")
        points = _centre_first(np.hypot(rows, cols), count, rng)
    else:
        points = _poisson_disc(height, width, count, rng)
    mask = np.zeros(height * width, np.float32)
    mask[points] = 1.0
    return mask.reshape(height, width)


def sampling_mask(kind, height, width, rate, seed=0):
    """A centred [height, width] float32 0/1 k-space mask of `kind` with
    round(rate * N) samples (see the module docstring); seeded, cached."""
    check_kind(kind)
    rate = check_rate(rate)
    if int(height) < 1 or int(width) < 1:
        raise UserError(f"a k-space mask needs a positive size, got {height}x{width}")
    mask = _mask(kind, int(height), int(width), rate, int(seed))
    mask.flags.writeable = False  # cached: shared between callers
    return mask


def preset_names():
    """Every named mask preset, e.g. 'gaussian1d_30'."""
    return [f"{kind}_{p}" for kind in MASK_KINDS for p in PRESET_PERCENTS]


def preset_mask(name, height, width):
    """The mask of a named preset `<kind>_<percent>` (seed 0)."""
    match = re.fullmatch(r"([a-z0-9]+)_(\d+)", str(name))
    if not match or match.group(1) not in MASK_KINDS:
        raise UserError(f"unknown k-space mask preset {name!r}: use <kind>_<percent> "
                        f"with kind in {', '.join(MASK_KINDS)}, e.g. gaussian1d_30")
    return sampling_mask(match.group(1), height, width, int(match.group(2)) / 100.0)


# -------------------------------------------------------- Fourier transforms
def fft2(images):
    """The unnormalised 2-D DFT of real NHWC images over H and W (uncentred,
    as `tf.signal.fft2d`): complex64 [B, H, W, C]."""
    x = tf.transpose(tf.cast(images, tf.float32), [0, 3, 1, 2])
    k = tf.signal.fft2d(tf.complex(x, tf.zeros_like(x)))
    return tf.transpose(k, [0, 2, 3, 1])


def ifft2(kspace):
    """The inverse of `fft2`: complex [B, H, W, C] -> complex [B, H, W, C]."""
    x = tf.signal.ifft2d(tf.transpose(kspace, [0, 3, 1, 2]))
    return tf.transpose(x, [0, 2, 3, 1])


def _as_batch_mask(mask):
    """[H, W], [B, H, W] or [B, H, W, 1] centred masks -> uncentred
    [B or 1, H, W, 1] complex64."""
    mask = tf.cast(mask, tf.float32)
    if mask.shape.rank == 2:
        mask = mask[None]
    if mask.shape.rank == 4:
        mask = mask[..., 0]
    mask = tf.signal.ifftshift(mask, axes=[1, 2])[..., None]
    return tf.complex(mask, tf.zeros_like(mask))


def undersample(images, mask):
    """The zero-filled reconstruction of images in [-1, 1] sampled with the
    centred k-space `mask`: x_u = |IFFT(M . FFT(x01))|, x01 = (x + 1) / 2,
    returned in [-1, 1] scaling (2 x_u - 1), as DAGAN's `to_bad_img`,
    clipped to [-1, 1]: ringing can lift x_u a little above 1, and the
    served models (which take x_u) accept images in [-1, 1] only. An
    all-ones mask returns the images unchanged (up to float error)."""
    x01 = (tf.cast(images, tf.float32) + 1.0) / 2.0
    zero_filled = tf.abs(ifft2(fft2(x01) * _as_batch_mask(mask)))
    return tf.clip_by_value(zero_filled * 2.0 - 1.0, -1.0, 1.0)

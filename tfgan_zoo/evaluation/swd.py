"""Sliced Wasserstein distance between two image sets (Karras et al. 2018,
"Progressive Growing of GANs", §5 and Appendix D), as their
`metrics/sliced_wasserstein.py` computes it.

Each image set becomes a Laplacian pyramid (cv2's pyrDown/pyrUp: a 5x5
binomial filter, mirrored borders). From each level, 128 random 7x7
neighbourhoods per image are descriptors; each set's descriptors are
normalised per channel to zero mean and unit deviation; the distance of two
sets is the mean, over 4 x 128 random unit directions, of the 1-D
Wasserstein distance between their sorted projections. ProGAN reports it
x 1e3, per level from the full resolution down to 16 x 16 and averaged.
Low levels measure large-scale structure, high ones fine detail. The two
sets must hold the same number of images.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from tfgan_zoo.errors import UserError

# cv2.pyrDown's kernel: the outer product of binomial [1, 4, 6, 4, 1] / 16.
_BINOMIAL = np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]).astype(np.float32) / 256.0


def _filter(images, kernel):
    """Filter every image and channel of NHWC `images` with a 2-D kernel."""
    return ndimage.convolve(images, kernel[None, :, :, None], mode="mirror")


def pyr_down(images):
    return _filter(images, _BINOMIAL)[:, ::2, ::2]


def pyr_up(images):
    n, h, w, c = images.shape
    spread = np.zeros((n, 2 * h, 2 * w, c), np.float32)
    spread[:, ::2, ::2] = images
    return _filter(spread, _BINOMIAL * 4.0)


def laplacian_levels(images, num_levels):
    """[finest residual, ..., coarsest low-pass] of NHWC float images."""
    levels = [np.asarray(images, np.float32)]
    for _ in range(1, num_levels):
        levels.append(pyr_down(levels[-1]))
        levels[-2] = levels[-2] - pyr_up(levels[-1])
    return levels


def descriptors(level, patch, per_image, rng):
    """`per_image` random patch x patch neighbourhoods of each image,
    flattened: [N * per_image, patch * patch * C]."""
    n, h, w, c = level.shape
    half = patch // 2
    ys = rng.integers(half, h - half, size=(n, per_image))
    xs = rng.integers(half, w - half, size=(n, per_image))
    offsets = np.arange(-half, half + 1)
    rows = (ys[..., None] + offsets)[..., :, None]          # [n, k, p, 1]
    cols = (xs[..., None] + offsets)[..., None, :]          # [n, k, 1, p]
    image = np.arange(n)[:, None, None, None]
    patches = level[image, rows, cols]                      # [n, k, p, p, C]
    return patches.reshape(n * per_image, patch, patch, c)


def normalize(desc):
    """Zero mean, unit deviation per channel over all neighbourhoods."""
    desc = desc - desc.mean(axis=(0, 1, 2), keepdims=True)
    desc = desc / np.maximum(desc.std(axis=(0, 1, 2), keepdims=True), 1e-8)
    return desc.reshape(len(desc), -1)


def sliced_wasserstein_distance(a, b, repeats=4, directions=128, rng=None):
    """Mean over random unit directions of the 1-D Wasserstein-1 distance
    between the projections of point sets `a` and `b` (same shape)."""
    if a.shape != b.shape:
        raise UserError(f"sliced Wasserstein needs equal sets, got {a.shape} and {b.shape}")
    rng = rng if rng is not None else np.random.default_rng(0)
    results = []
    for _ in range(repeats):
        dirs = rng.standard_normal((a.shape[1], directions)).astype(np.float32)
        dirs /= np.sqrt(np.sum(np.square(dirs), axis=0, keepdims=True))
        proj_a = np.sort(a @ dirs, axis=0)
        proj_b = np.sort(b @ dirs, axis=0)
        results.append(np.mean(np.abs(proj_a - proj_b)))
    return float(np.mean(results))


def sliced_wasserstein(real, fake, *, min_resolution=16, patch=7, per_image=128,
                       repeats=4, directions=128, seed=0):
    """{"swd_<res>": SWD x 1e3 per pyramid level, ..., "swd_avg": their
    mean} between NHWC image sets in [-1, 1] of equal size, from the full
    resolution down to `min_resolution`."""
    real, fake = np.asarray(real, np.float32), np.asarray(fake, np.float32)
    if real.ndim != 4 or real.shape[1:] != fake.shape[1:]:
        raise UserError(f"sliced Wasserstein needs NHWC sets of one image shape, got "
                        f"{real.shape} and {fake.shape}")
    count = min(len(real), len(fake))
    if count < 2:
        raise UserError("sliced Wasserstein needs at least 2 images a side")
    real, fake = real[:count], fake[:count]
    resolutions, size = [], real.shape[1]
    while size >= max(min_resolution, patch):
        resolutions.append(size)
        size //= 2
    if not resolutions:
        raise UserError(f"images of {real.shape[1]} px are smaller than the {patch}x{patch} "
                        "neighbourhoods of sliced Wasserstein")
    rng = np.random.default_rng(seed)
    # [-1, 1] -> [0, 255] as ProGAN feeds it; the normalisation makes the
    # distance independent of the scale anyway.
    pyramids = [laplacian_levels((x + 1.0) * 127.5, len(resolutions)) for x in (real, fake)]
    result = {}
    for res, real_level, fake_level in zip(resolutions, *pyramids):
        a = normalize(descriptors(real_level, patch, per_image, rng))
        b = normalize(descriptors(fake_level, patch, per_image, rng))
        result[f"swd_{res}"] = 1e3 * sliced_wasserstein_distance(a, b, repeats, directions, rng)
    result["swd_avg"] = float(np.mean(list(result.values())))
    return result

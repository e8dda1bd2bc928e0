"""Image pyramids in TensorFlow: 2x down- and upsampling, and the Laplacian
pyramid of LAPGAN (Denton et al. 2015, §3.1).

    d(I)  = 2x2 box average (Progressive GAN's `downscale2d`)
    u(I)  = 2x upsampling, bilinear (LAPGAN) or nearest (Progressive GAN)
    I_{k+1} = d(I_k),   h_k = I_k - u(I_{k+1})           (build)
    I_k   = h_k + u(I_{k+1})                             (collapse)

The collapse inverts the build exactly (up to float rounding) whatever d and
u are, since each residual h_k stores what u(I_{k+1}) misses. Images are
NHWC with static height and width; ops are stock TensorFlow that TFLite runs
as built-ins (AVERAGE_POOL_2D, RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR).
"""

from __future__ import annotations

import tensorflow as tf

from tfgan_zoo.errors import UserError

UPSAMPLING = ("bilinear", "nearest")


def downsample(images, factor=2):
    """Average over factor x factor blocks."""
    if factor == 1:
        return images
    return tf.nn.avg_pool2d(images, factor, factor, "VALID")


def upsample(images, factor=2, method="bilinear"):
    """Resize by `factor` (half-pixel centres, so a box-averaged image comes
    back in place)."""
    if method not in UPSAMPLING:
        raise UserError(f"unknown upsampling '{method}': choose {' or '.join(UPSAMPLING)}")
    if factor == 1:
        return images
    height, width = images.shape[1], images.shape[2]
    resized = tf.image.resize(images, [height * factor, width * factor], method=method)
    return tf.cast(resized, images.dtype)


def pyramid_sizes(image_size, levels):
    """Sizes of a `levels`-level pyramid of square images, finest first;
    UserError unless each halving is exact."""
    if levels < 1:
        raise UserError(f"a pyramid needs at least 1 level, got {levels}")
    if image_size % 2 ** (levels - 1):
        raise UserError(f"{image_size} px images do not halve {levels - 1} times: pass an "
                        f"--image-size divisible by {2 ** (levels - 1)} or fewer --levels")
    return [image_size // 2 ** k for k in range(levels)]


def gaussian_pyramid(images, levels):
    """[I_0 = images, I_1 = d(I_0), ...], finest first."""
    pyramid = [images]
    for _ in range(levels - 1):
        pyramid.append(downsample(pyramid[-1]))
    return pyramid


def laplacian_pyramid(images, levels, method="bilinear"):
    """[h_0, ..., h_{K-1}, I_K]: the band-pass residuals, finest first, then
    the coarsest low-pass image (K = levels - 1)."""
    gaussian = gaussian_pyramid(images, levels)
    residuals = [fine - upsample(coarse, method=method)
                 for fine, coarse in zip(gaussian[:-1], gaussian[1:])]
    return residuals + [gaussian[-1]]


def collapse(pyramid, method="bilinear"):
    """The image a Laplacian pyramid encodes: I_k = h_k + u(I_{k+1}) from the
    coarsest level up."""
    image = pyramid[-1]
    for residual in reversed(pyramid[:-1]):
        image = residual + upsample(image, method=method)
    return image

"""Image moments of a digit (white ink on black, float NHWC in [-1, 1]):
what InfoGAN's continuous codes are expected to control (Chen et al. 2016,
Fig. 2: "c2 ... rotation", "c3 ... width").

    ink     mean ink per pixel, in [0, 1] (stroke thickness and size)
    slant   mu11 / mu02: how far x moves per row down the digit, the shear
            that deskewing removes (LeCun et al.'s deskewed MNIST)
    width   sqrt(mu20): the horizontal spread of the ink, in pixels
    height  sqrt(mu02): the vertical spread, in pixels

Correlate them with the codes by Spearman's rank correlation
(`code_moment_correlations`): only the direction of the effect matters.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

MOMENTS = ("ink", "slant", "width", "height")


def image_moments(images):
    """{name: [N] array} for the names in MOMENTS; colour images are
    averaged over their channels first."""
    ink = (np.asarray(images, np.float64).mean(axis=-1) + 1.0) / 2.0    # [N, H, W]
    ink = np.clip(ink, 0.0, 1.0)
    n, h, w = ink.shape
    mass = np.maximum(ink.sum(axis=(1, 2)), 1e-8)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    cy = (ink * ys).sum(axis=(1, 2)) / mass
    cx = (ink * xs).sum(axis=(1, 2)) / mass
    dy = ys[None] - cy[:, None, None]
    dx = xs[None] - cx[:, None, None]
    mu02 = (ink * dy * dy).sum(axis=(1, 2)) / mass
    mu20 = (ink * dx * dx).sum(axis=(1, 2)) / mass
    mu11 = (ink * dx * dy).sum(axis=(1, 2)) / mass
    return {"ink": mass / (h * w), "slant": mu11 / np.maximum(mu02, 1e-8),
            "width": np.sqrt(mu20), "height": np.sqrt(mu02)}


def code_moment_correlations(codes, images):
    """{moment: [Spearman rho for each code column]} between codes [N, K]
    and the images' moments."""
    codes = np.asarray(codes, np.float64).reshape(len(codes), -1)
    moments = image_moments(images)
    return {name: [float(spearmanr(codes[:, k], values).statistic)
                   for k in range(codes.shape[1])]
            for name, values in moments.items()}

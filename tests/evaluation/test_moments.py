"""Image moments of digits: slant, width and ink of drawn strokes, and their
rank correlation with a code."""

import numpy as np
import pytest

from tfgan_zoo.evaluation.moments import code_moment_correlations, image_moments


def stroke(shear=0.0, width=1, length=16):
    image = -np.ones((28, 28, 1), np.float32)
    for row in range(6, 6 + length):
        x = int(round(14 + shear * (row - 14)))
        image[row, x:x + width] = 1.0
    return image


def test_slant_width_and_ink_of_strokes():
    m = image_moments(np.stack([stroke(0.0), stroke(0.5), stroke(-0.5), stroke(0.0, 5)]))
    assert m["slant"][0] == pytest.approx(0.0, abs=1e-9)
    assert m["slant"][1] == pytest.approx(0.5, abs=0.05) and m["slant"][2] < -0.4
    assert m["width"][3] == pytest.approx(np.sqrt(2.0))  # columns 14..18 around 16
    assert m["ink"][3] == pytest.approx(5 * 16 / 784)


def test_codes_correlate_with_the_moment_they_drive():
    codes = np.linspace(-1, 1, 9)[:, None]
    images = np.stack([stroke(c * 0.6, width=1 + i % 2) for i, c in enumerate(codes[:, 0])])
    rho = code_moment_correlations(codes, images)
    assert rho["slant"][0] == pytest.approx(1.0)

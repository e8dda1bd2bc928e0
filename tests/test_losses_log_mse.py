"""log_mse_loss: per-image MSE in dB (= 10 log10(4) - PSNR_i for images in
[-1, 1]), optionally over a mask, against hand computation."""

import numpy as np
import pytest

from tfgan_zoo import losses


def test_log_mse_is_the_mean_per_image_mse_in_decibels():
    target = np.zeros((2, 2, 2, 1), np.float32)
    pred = target.copy()
    pred[0] += 0.1            # MSE 0.01
    pred[1, 0, 0, 0] = 0.2    # MSE 0.04 / 4 = 0.01 too, one pixel off
    pred[1, 1, 1, 0] = 0.0
    expected = np.mean([10 * np.log10(0.01 + 1e-5), 10 * np.log10(0.01 + 1e-5)])
    assert float(losses.log_mse_loss(pred, target)) == pytest.approx(expected, rel=1e-5)
    # Over a mask: only the masked pixel of image 1 counts (MSE 0.04).
    mask = np.zeros((2, 2, 2, 1), np.float32)
    mask[:, 0, 0] = 1
    expected = np.mean([10 * np.log10(0.01 + 1e-5), 10 * np.log10(0.04 + 1e-5)])
    assert float(losses.log_mse_loss(pred, target, mask)) == pytest.approx(expected, rel=1e-5)

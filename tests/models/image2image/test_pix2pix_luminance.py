"""pix2pix --keep-luminance: the colouriser's output keeps its grey input as
luminance (the reference code's colorization model: L in, ab out); the
reconstruction term is L1, MSE or log-MSE by name."""

import numpy as np
import pytest

from tests.support.models import assert_finite_losses, build, fit
from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.image2image import LUMA
from tfgan_zoo.registry import build_model


def test_output_luminance_is_the_grey_input():
    model = build_model("pix2pix", image_shape=(16, 16, 3), input_shape=(16, 16, 1),
                        keep_luminance=True, ngf=4, ndf=4, d_layers=1)
    grey = np.random.default_rng(0).uniform(-0.5, 0.5, (2, 16, 16, 1)).astype(np.float32)
    rgb = model.translate(grey).numpy()
    assert rgb.shape == (2, 16, 16, 3) and np.abs(rgb).max() <= 1.0
    inside = np.all(np.abs(rgb) < 1.0, axis=-1)  # not clipped
    luminance = rgb @ np.asarray(LUMA, np.float32)
    np.testing.assert_allclose(luminance[inside], grey[..., 0][inside], atol=1e-5)
    assert model.generator.get_layer("chroma").output_shape[-1] == 2


def test_it_trains_and_refuses_colour_sources():
    model = build("pix2pix", input_shape=(16, 16, 1), image_shape=(16, 16, 3),
                  keep_luminance=True)
    assert_finite_losses(fit(model, steps=1), model)
    with pytest.raises(UserError, match="1-channel source and an RGB target"):
        build_model("pix2pix", image_shape=(16, 16, 3), keep_luminance=True)


def test_reconstruction_terms_are_the_named_errors():
    from tfgan_zoo.models.image2image.pix2pix import RECONSTRUCTIONS
    target = np.array([[[[0.1], [0.3]], [[-0.2], [0.0]]]], np.float32)  # one 2x2 image
    zero = np.zeros_like(target)
    # |e| = 0.1, 0.3, 0.2, 0 -> 0.15; e^2 -> 0.14 / 4 = 0.035
    assert float(RECONSTRUCTIONS["l1"](zero, target)) == pytest.approx(0.15)
    assert float(RECONSTRUCTIONS["mse"](zero, target)) == pytest.approx(0.035)
    assert float(RECONSTRUCTIONS["log_mse"](zero, target)) == pytest.approx(
        10 * np.log10(0.035 + 1e-5), rel=1e-5)


def test_log_mse_colouriser_trains_and_unknown_terms_are_refused():
    model = build("pix2pix", input_shape=(16, 16, 1), image_shape=(16, 16, 3),
                  keep_luminance=True, reconstruction="log_mse")
    assert_finite_losses(fit(model, steps=1), model)
    with pytest.raises(UserError, match="unknown reconstruction 'l3': choose l1, mse, log_mse"):
        build_model("pix2pix", image_shape=(16, 16, 3), reconstruction="l3")

"""InfoGAN's code report: each code value's readings, from a stub classifier."""

import numpy as np
import pytest

from tfgan_zoo.models.noise2image.infogan import InfoGAN
from tfgan_zoo.reports.codes import code_figures


class ReadsBrightness:
    """Reads 3 for images brighter than their batch's median, else 7."""

    def predict_logits(self, images):
        brightness = np.asarray(images).mean(axis=(1, 2, 3))
        logits = np.zeros((len(images), 10), np.float32)
        logits[:, 3] = brightness > np.median(brightness)
        logits[:, 7] = 0.5
        return logits


def test_digits_per_code_are_each_values_shares():
    model = InfoGAN(image_shape=(16, 16, 1), latent_dim=4, ngf=4, ndf=4, num_categories=3,
                    continuous_codes=0, seed=0)
    model.build_networks()
    figures = code_figures(model, per_category=20, classifier=ReadsBrightness())
    assert sorted(figures["digits_per_code"]) == [0, 1, 2]
    for readings in figures["digits_per_code"].values():
        shares = dict(readings)
        assert len(readings) == 3
        assert shares.get(3, 0) + shares.get(7, 0) == pytest.approx(1.0)
        assert [share for _, share in readings] == sorted(shares.values(), reverse=True)
    # Cluster accuracy is the matched digits' mean share (equal images per code).
    matched = [dict(readings).get(figures["mapping"][code], 0.0)
               for code, readings in figures["digits_per_code"].items()]
    assert figures["cluster_accuracy"] == pytest.approx(np.mean(matched), abs=1e-3)

"""InfoGAN's code report: each code value's readings, from a stub classifier,
and the continuous codes' sweep reading, from a stand-in generator."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.models.noise2image.infogan import InfoGAN
from tfgan_zoo.reports.codes import code_figures, sweep_correlations


class ReadsBrightness:
    """Reads 3 for images brighter than their batch's median, else 7."""

    def predict_logits(self, images):
        brightness = np.asarray(images).mean(axis=(1, 2, 3))
        logits = np.zeros((len(images), 10), np.float32)
        logits[:, 3] = brightness > np.median(brightness)
        logits[:, 7] = 0.5
        return logits


def tiny_infogan(num_categories):
    model = InfoGAN(image_shape=(16, 16, 1), latent_dim=4, ngf=4, ndf=4,
                    num_categories=num_categories, continuous_codes=0, seed=0)
    model.build_networks()
    return model


def test_digits_per_code_are_each_values_shares():
    figures = code_figures(tiny_infogan(3), per_category=20, classifier=ReadsBrightness())
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


class ReadsThree:
    """Reads every image as a 3, as mnist-cnn reads a collapsed G's fakes."""

    def predict_logits(self, images):
        logits = np.zeros((len(images), 10), np.float32)
        logits[:, 3] = 1.0
        return logits


def test_every_code_value_is_matched_when_g_draws_one_digit():
    figures = code_figures(tiny_infogan(5), per_category=10, classifier=ReadsThree())
    assert sorted(figures["mapping"]) == [0, 1, 2, 3, 4]
    assert len(set(figures["mapping"].values())) == 5
    assert figures["cluster_accuracy"] == pytest.approx(1 / 5)


class DrawsStrokes:
    """A stand-in generator: a vertical stroke sheared by code 0, its sign set
    by the categorical value (+ for 0, - for 1), and made longer by code 1."""

    num_categories, continuous_codes, latent_dim = 2, 2, 3

    def generator_inputs(self):
        return InfoGAN(image_shape=(16, 16, 1), latent_dim=3).generator_inputs()

    def generate_from(self, inputs):
        images = -np.ones((len(inputs["z"]), 28, 28, 1), np.float32)
        for i, (category, (shear, length)) in enumerate(
                zip(inputs["code_cat"].numpy(), inputs["code_cont"].numpy())):
            shear *= 0.4 * (1 if category == 0 else -1)
            for row in range(10 - int(round(2 * length)), 18 + int(round(2 * length))):
                images[i, row, int(round(14 + shear * (row - 14)))] = 1.0
        return tf.constant(images)


def test_sweep_reads_each_code_within_a_row():
    sweep = sweep_correlations(DrawsStrokes(), rows_per_category=2)
    assert sweep["rows"] == 4 and sweep["range"] == [-2.0, 2.0]
    # Code 0 slants every row, in opposite directions for the two values.
    assert sweep["mean_abs"]["slant"][0] == pytest.approx(1.0)
    assert sweep["mean"]["slant"][0] == pytest.approx(0.0)
    # Code 1 adds ink in every row; the strokes stay upright (slant 0: no
    # effect counts as rho 0, not as a missing value).
    assert sweep["mean"]["ink"][1] == pytest.approx(1.0)
    assert sweep["mean"]["height"][1] == pytest.approx(1.0)
    assert sweep["mean"]["slant"][1] == 0.0
    # Code 0 leaves the ink alone.
    assert sweep["mean_abs"]["ink"][0] == 0.0

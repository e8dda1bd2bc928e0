"""The fashion-cnn classifier spec: what it trains on and holds out, and
the one-line error when the Debian package is missing."""

import os

import numpy as np
import pytest

from tfgan_zoo.data import digits, load_dataset
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation import classifiers
from tests.support.models import one_line_error


def test_fashion_cnn_is_registered_for_28px_grey_garments():
    spec = classifiers.CLASSIFIERS["fashion-cnn"]
    assert spec.dataset == "fashion_mnist_local"
    assert (spec.input_shape, spec.num_classes, spec.holdout) == ((28, 28, 1), 10, 5000)


@pytest.mark.skipif(not os.path.exists(digits.FASHION_MNIST_DIR),
                    reason="Debian package dataset-fashion-mnist not installed")
def test_fashion_cnn_trains_on_the_train_split_only_scaled_to_the_data_range():
    x, y = classifiers.CLASSIFIERS["fashion-cnn"].load()
    assert x.shape == (60000, 28, 28, 1) and x.dtype == np.float32
    assert np.bincount(y).tolist() == [6000] * 10
    first = next(iter(load_dataset("fashion_mnist_local", split="train", batch_size=4,
                                   shuffle=False).dataset))
    np.testing.assert_allclose(x[:4], first[0].numpy(), atol=1e-6)
    np.testing.assert_array_equal(y[:4], first[1].numpy())


def test_fashion_cnn_without_the_package_is_a_one_line_error(monkeypatch, tmp_path):
    monkeypatch.setattr(digits, "FASHION_MNIST_DIR", str(tmp_path))
    monkeypatch.setenv("TFGAN_ZOO_CACHE", str(tmp_path / "cache"))
    with pytest.raises(UserError) as info:
        classifiers.load_classifier("fashion-cnn")
    one_line_error(info, "Fashion-MNIST files not found",
                   "apt-get install dataset-fashion-mnist")

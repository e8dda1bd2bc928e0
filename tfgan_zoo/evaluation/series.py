"""Metrics for generated time series (RCGAN, Esteban et al. 2017, §3):

- `tstr`: Train on Synthetic, Test on Real: a classifier trained on
  labelled samples and scored on held-out real data, beside the same
  classifier trained on real training data (TRTR). A random forest on the
  flattened series (the paper's choice for its tables is a random forest
  or a CNN, by data set).
- `mmd2`: the unbiased squared maximum mean discrepancy with a Gaussian
  kernel whose bandwidth is the median pairwise distance (Gretton et al.
  2012; the paper's model-selection metric).
- `memorisation`: whether samples copy the training data: the median
  distance of a sample to its nearest training series must exceed the
  median distance of a training series to its nearest other one.
"""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import RandomForestClassifier

__all__ = ["memorisation", "mmd2", "mmd_report", "tstr"]


def _flat(x):
    x = np.asarray(x, np.float64)
    return x.reshape(len(x), -1)


def tstr(fake, fake_labels, train_x, train_y, test_x, test_y, seed=0, trees=200):
    """{tstr, trtr, tstr_over_trtr}: accuracies on (test_x, test_y) of a
    random forest trained on (fake, fake_labels) and on (train_x, train_y)."""
    def accuracy(x, y):
        forest = RandomForestClassifier(n_estimators=trees, random_state=seed, n_jobs=1)
        return float(forest.fit(_flat(x), y).score(_flat(test_x), test_y))
    synthetic, real = accuracy(fake, fake_labels), accuracy(train_x, train_y)
    return {"tstr": synthetic, "trtr": real, "tstr_over_trtr": synthetic / real}


def _squared_distances(a, b):
    return np.maximum((a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T, 0.0)


def mmd2(x, y, bandwidth=None):
    """Unbiased MMD^2 of samples x [N, ...] and y [M, ...] (N, M >= 2) under
    k(a, b) = exp(-|a - b|^2 / (2 s^2)), s the median distance of the pooled
    samples unless `bandwidth` is given."""
    x, y = _flat(x), _flat(y)
    if bandwidth is None:
        pooled = np.concatenate([x, y])
        d = _squared_distances(pooled, pooled)
        bandwidth = np.sqrt(np.median(d[np.triu_indices(len(pooled), 1)]))
    k = lambda a, b: np.exp(-_squared_distances(a, b) / (2 * bandwidth ** 2))
    kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
    n, m = len(x), len(y)
    return float((kxx.sum() - np.trace(kxx)) / (n * (n - 1))
                 + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean())


def mmd_report(fake, train_x, test_x, n=500, seed=0):
    """{mmd2_samples, mmd2_real_heldout}: MMD^2 of n samples and of n
    held-out real series against n training series, at one bandwidth."""
    rng = np.random.default_rng(seed)
    pick = lambda x: _flat(x)[rng.permutation(len(x))[:n]]
    fake, train, test = pick(fake), pick(train_x), pick(test_x)
    pooled = np.concatenate([fake, train])
    d = _squared_distances(pooled, pooled)
    bandwidth = np.sqrt(np.median(d[np.triu_indices(len(pooled), 1)]))
    return {"mmd2_samples": mmd2(fake, train, bandwidth),
            "mmd2_real_heldout": mmd2(test, train, bandwidth)}


def memorisation(fake, train_x, n=1000, seed=0):
    """{median_sample_to_train, median_train_to_train, memorisation_passes}:
    Euclidean distances of series (flattened); passes when samples lie
    farther from their nearest training series than training series lie
    from each other."""
    rng = np.random.default_rng(seed)
    train = _flat(train_x)[rng.permutation(len(train_x))[:n]]
    fake = _flat(fake)[:n]
    to_train = np.sqrt(_squared_distances(fake, train).min(1))
    within = _squared_distances(train, train)
    np.fill_diagonal(within, np.inf)
    among = np.sqrt(within.min(1))
    sample, real = float(np.median(to_train)), float(np.median(among))
    return {"median_sample_to_train": sample, "median_train_to_train": real,
            "memorisation_passes": bool(sample > real)}

"""How well a generator's categorical input (InfoGAN's code, a class label)
lines up with what a classifier reads in its images.

InfoGAN's categorical code is unsupervised: code 3 may draw sevens. Cluster
accuracy matches codes to classes one-to-one with the assignment that agrees
most (the Hungarian method, `scipy.optimize.linear_sum_assignment`), then
counts agreement, as unsupervised clustering papers score k-means or
InfoGAN on MNIST (Chen et al. 2016, §7.1: "5% error" after matching).
For a class-conditional generator the matching is usually the identity and
the figure is its class accuracy.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from tfgan_zoo.errors import UserError


def confusion_matrix(clusters, labels, num_clusters=None, num_classes=None):
    """counts[c, k]: how many examples of cluster c carry label k."""
    clusters = np.asarray(clusters, np.int64).ravel()
    labels = np.asarray(labels, np.int64).ravel()
    if clusters.shape != labels.shape or clusters.size == 0:
        raise UserError(f"cluster accuracy needs one label per cluster assignment, got "
                        f"{clusters.size} assignments and {labels.size} labels")
    if clusters.min() < 0 or labels.min() < 0:
        raise UserError("clusters and labels must be non-negative integers")
    rows = int(num_clusters or clusters.max() + 1)
    cols = int(num_classes or labels.max() + 1)
    counts = np.zeros((rows, cols), np.int64)
    np.add.at(counts, (clusters, labels), 1)
    return counts


def cluster_accuracy(clusters, labels, num_clusters=None, num_classes=None):
    """(accuracy, mapping): the fraction of examples whose label is the one
    matched to their cluster under the best one-to-one matching, and that
    matching {cluster: label}. With more clusters than labels the extra
    clusters stay unmatched and count as errors."""
    counts = confusion_matrix(clusters, labels, num_clusters, num_classes)
    rows, cols = linear_sum_assignment(-counts)
    accuracy = float(counts[rows, cols].sum() / counts.sum())
    return accuracy, {int(r): int(c) for r, c in zip(rows, cols)}

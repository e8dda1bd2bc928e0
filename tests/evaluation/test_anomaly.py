"""AUROC and EER against hand-computed values."""

import numpy as np
import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation.anomaly import anomaly_labels, auroc, eer


def test_auroc_counts_ordered_pairs():
    # anomalies {0.9, 0.4}, normals {0.5, 0.1}: 3 of the 4 pairs ordered.
    assert auroc([1, 1, 0, 0], [0.9, 0.4, 0.5, 0.1]) == pytest.approx(0.75)
    assert auroc([1, 0], [2.0, 1.0]) == 1.0 and auroc([1, 0], [1.0, 1.0]) == 0.5


def test_eer_of_separable_and_reversed_scores():
    assert eer([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1]) == pytest.approx(0.0)
    assert eer([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == pytest.approx(1.0)
    # One anomaly of two below one normal of two: FPR = miss = 0.5.
    assert eer([1, 1, 0, 0], [0.9, 0.3, 0.5, 0.1]) == pytest.approx(0.5)


def test_one_class_labels_and_bad_input():
    np.testing.assert_array_equal(anomaly_labels([0, 9, 3], range(9)), [False, True, False])
    with pytest.raises(UserError, match="both normal and anomalous"):
        auroc([0, 0], [1.0, 2.0])

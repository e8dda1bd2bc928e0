"""benchmarks/dtn_checkpoints.py: the swaps it lists are the (source, read)
pairs of different digits seen at least the given number of times."""

import numpy as np

from tests.support.scripts import load_benchmark


def test_swaps_lists_frequent_wrong_readings_most_first():
    swaps = load_benchmark("dtn_checkpoints").swaps
    labels = np.array([8] * 5 + [0] * 5 + [1] * 3)
    read = np.array([0, 0, 0, 0, 8] + [0] * 5 + [7, 7, 1])
    assert swaps(labels, read, 2) == ["8>0: 4", "1>7: 2"]
    assert swaps(labels, read, 3) == ["8>0: 4"]
    assert swaps(labels, labels, 1) == []

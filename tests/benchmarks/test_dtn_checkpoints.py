"""benchmarks/dtn_checkpoints.py: the trajectory summary (peak, and the
late half's lowest, mean and highest reading) and the swaps list."""

import numpy as np
import pytest

from tests.support.scripts import load_benchmark


@pytest.fixture(scope="module")
def dtn():
    return load_benchmark("dtn_checkpoints")


def test_trajectory_sums_up_the_late_half_and_the_first_peak(dtn):
    rows = [{"step": 250, "EMA g": 0.5}, {"step": 500, "EMA g": 0.82},
            {"step": 750, "EMA g": 0.70}, {"step": 1000, "EMA g": 0.82, "raw g": 0.6}]
    summary = dtn.trajectory(rows, "EMA g")
    assert summary["peak"] == 0.82 and summary["peak_step"] == 500
    # late: steps 500, 750 and 1,000 (at or after half of 1,000)
    assert summary["late_steps"] == 3
    assert (summary["late_min"], summary["late_max"]) == (0.70, 0.82)
    assert summary["late_mean"] == pytest.approx((0.82 + 0.70 + 0.82) / 3, abs=1e-4)
    # a generator read at some checkpoints only is summed over those
    assert dtn.trajectory(rows, "raw g")["late_steps"] == 1


def test_swaps_list_digit_pairs_seen_often_enough_most_first(dtn):
    labels = np.array([8] * 5 + [3] * 3 + [1])
    read = np.array([0] * 4 + [8] + [2] * 3 + [7])
    assert dtn.swaps(labels, read, 2) == ["8>0: 4", "3>2: 3"]


def test_mean_weights_average_each_weight_across_networks(dtn):
    class Net:
        def __init__(self, *weights):
            self.weights = [np.asarray(w, float) for w in weights]

        def get_weights(self):
            return self.weights

    mean = dtn.mean_weights([Net([1, 2], 3), Net([3, 6], 5)])
    assert [m.tolist() for m in mean] == [[2, 4], 4]


def test_f_agreement_reads_f_on_all_images_and_where_the_reader_misses(dtn):
    labels = np.array([3, 3, 3, 3, 8])
    reader = np.array([3, 2, 2, 2, 8])  # misses images 1-3
    f_read = np.array([3, 3, 3, 2, 5])  # the source label on 0-2
    assert dtn.f_agreement(labels, reader, f_read) == (0.6, pytest.approx(2 / 3, abs=1e-4))
    assert dtn.f_agreement(labels, labels, f_read) == (0.6, None)

"""benchmarks/gan3d_coverage.py: isolated voxels removed by hand, shares by
class, and an ideal draw that covers held-out shapes the way the report
counts them."""

import numpy as np

from tfgan_zoo.data import furniture
from tests.support.scripts import load_benchmark
from tests.support.voxels import grid


def test_without_isolated_keeps_voxels_with_a_face_neighbour():
    without_isolated = load_benchmark("gan3d_coverage").without_isolated
    # a pair sharing a face, a voxel touching it only by an edge, one alone at a corner
    voxels = grid((0, 0, 0), (0, 0, 1), (1, 1, 1), (3, 3, 3))[None]
    kept = without_isolated(voxels)
    np.testing.assert_array_equal(kept, grid((0, 0, 0), (0, 0, 1))[None])
    # the grid's edge is no neighbour: a lone voxel on the far face goes too
    np.testing.assert_array_equal(without_isolated(grid((0, 3, 0))[None]), grid()[None])


def test_by_class_counts_shares_at_the_threshold():
    by_class = load_benchmark("gan3d_coverage").by_class
    best = np.array([0.5, 0.49, 0.9, 0.1])
    labels = np.array([0, 0, 1, 1])
    assert by_class(best, labels, ("a", "b", "c")) == {"a": 0.5, "b": 0.5, "c": None}


def test_a_draw_of_the_test_distribution_covers_every_held_out_shape():
    coverage_row = load_benchmark("gan3d_coverage").coverage_row
    test, labels = furniture.generate(2, 16, "test")
    again, _ = furniture.generate.__wrapped__(2, 16, "test", seed=furniture.SEEDS["test"])
    row = coverage_row("same", furniture.as_float(test), labels, furniture.as_float(again))
    assert row["coverage"] == 1.0 and row["mean_best_iou"] == 1.0
    other, _ = furniture.generate.__wrapped__(2, 16, "test", seed=7)
    assert not (other == test).all()


def test_at_occupancy_half_keeps_the_reports_voxels_and_higher_drops_the_faint_ones():
    at_occupancy = load_benchmark("gan3d_coverage").at_occupancy
    # G's outputs 2p - 1 for p = 0.1, 0.45, 0.55, 0.65, 0.95
    voxels = np.array([-0.8, -0.1, 0.1, 0.3, 0.9], np.float32).reshape(1, 5, 1, 1, 1)
    np.testing.assert_array_equal(at_occupancy(voxels, 0.5) > 0, voxels > 0)
    np.testing.assert_array_equal(at_occupancy(voxels, 0.7).ravel(), [-1, -1, -1, -1, 1])
    np.testing.assert_array_equal(at_occupancy(voxels, 0.4).ravel(), [-1, 1, 1, 1, 1])


def test_threshold_rows_score_each_threshold_with_and_without_isolated_voxels():
    threshold_rows = load_benchmark("gan3d_coverage").threshold_rows
    test, labels = furniture.generate(2, 16, "test")
    test = furniture.as_float(test)
    # the held-out shapes themselves, faint (p = 0.6): met at p > 0.5, empty at p > 0.7
    faint = np.where(test > 0, 0.2, -1.0).astype(np.float32)
    rows = threshold_rows("run", faint, [0.5, 0.7], test, labels)
    assert [row["what"] for row in rows] == [
        "occupied where p > 0.5", "occupied where p > 0.5, without isolated voxels",
        "occupied where p > 0.7", "occupied where p > 0.7, without isolated voxels"]
    assert rows[0]["coverage"] == 1.0 and rows[2]["coverage"] == 0.0
    assert rows[2]["occupied_share"] == 0.0

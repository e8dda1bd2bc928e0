"""benchmarks/gan3d_coverage.py: isolated voxels removed by hand, shares by
class, an ideal draw that covers held-out shapes the way the report
counts them, and --detail's proportions and nearest samples by hand."""

import numpy as np
import pytest

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


def seat_and_back(size=16):
    """A seat x 4-11, z 3-12, two levels from 5 (floor 0); a back x 4-11,
    z 11-12 up to level 12; one stray voxel high in a corner."""
    v = -np.ones((size, size, size, 1), np.float32)

    def fill(x, z, low, high):  # levels low..high inclusive
        v[x, size - 1 - high:size - low, z] = 1

    fill(slice(4, 12), slice(3, 13), 5, 6)
    fill(slice(4, 12), slice(11, 13), 7, 12)
    v[0, 0, 0] = 1  # level 15
    return v


def test_proportions_by_hand_ignore_a_stray_voxel():
    sizes = load_benchmark("gan3d_coverage").proportions(seat_and_back()[None])
    assert {name: int(value[0]) for name, value in sizes.items()} == {
        "width": 8, "depth": 10, "slab": 5, "top": 12}


def test_moved_shifts_one_voxel_and_empties_the_face_left_behind():
    moved = load_benchmark("gan3d_coverage").moved
    np.testing.assert_array_equal(moved(grid((0, 0, 0), (3, 1, 2))[None], 1),
                                  grid((1, 0, 0))[None])
    np.testing.assert_array_equal(moved(grid((2, 0, 1))[None], 3), grid((2, 0, 2))[None])


def test_nearest_row_reads_the_best_iou_sample_and_its_proportions():
    coverage = load_benchmark("gan3d_coverage")
    shape = seat_and_back()[None]
    across = coverage.moved(shape, 1)
    higher = coverage.moved(coverage.moved(shape, 2), 2)  # axis 2 runs down: two levels lower
    row = coverage.nearest_row("x", shape, np.concatenate([higher, across]))
    # the nearest is the shape moved across: proportions all the same; of
    # 256 + 1 voxels, 7/8 of the 256 stay in place, the stray one does not
    assert row["median_abs_difference"] == {"width": 0.0, "depth": 0.0, "slab": 0.0, "top": 0.0}
    assert row["share_within_1_voxel_on_all"] == 1.0 and row["covered"] == 1.0
    assert row["their_best_iou"]["p50"] == round(224 / (2 * 257 - 224), 3)
    assert row["the_others_best_iou"] is None
    far = coverage.nearest_row("x", shape, higher)  # two levels lower: slab and top off by 2
    assert far["median_abs_difference"]["slab"] == 2.0 and far["median_abs_difference"]["top"] == 2
    assert far["share_within_1_voxel_on_all"] == 0.0 and far["their_best_iou"] is None


def test_detail_rows_of_the_held_out_shapes_themselves():
    detail_rows = load_benchmark("gan3d_coverage").detail_rows
    test, labels = furniture.generate(2, 16, "test")
    train, train_labels = furniture.generate(2, 16, "train")
    test, train = furniture.as_float(test), furniture.as_float(train)
    rows = {row["what"]: row for row in
            detail_rows("chair", test, labels, test, labels, train, train_labels, test, labels)}
    assert rows["held-out chairs: best IoU with the samples read as chair"]["covered"] == 1.0
    assert rows["held-out chairs: best IoU with the ideal draw's chairs"]["best_iou"]["p0"] == 1.0
    moved = rows["held-out chairs: best IoU with the ideal draw's chairs moved one voxel across"]
    assert moved["best_iou"]["p100"] < 1.0
    assert rows["proportions: samples read as chair"] == {
        **rows["proportions: held-out chairs"], "what": "proportions: samples read as chair"}
    assert rows["samples read as chair: best IoU with a training chair"]["samples"] == 2
    nearest = rows["held-out chairs: their nearest sample"]
    assert nearest["share_within_1_voxel_on_all"] == 1.0 and nearest["their_best_iou"]["p0"] == 1


def test_detail_needs_an_ideal_draw(capsys):
    with pytest.raises(SystemExit):
        load_benchmark("gan3d_coverage").main(["--detail", "chair", "--ideal-seeds", ""])
    assert "--detail compares with the ideal draw: give --ideal-seeds" in capsys.readouterr().err

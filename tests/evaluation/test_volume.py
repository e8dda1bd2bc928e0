"""Voxel measures by hand: best IoU, coverage, classifier scores."""
import numpy as np
import pytest

from tfgan_zoo.evaluation import volume
from tests.support.voxels import grid


def test_best_iou_and_coverage_by_hand():
    real = np.stack([grid((0, 0, 0), (0, 0, 1)), grid((3, 3, 3))])
    fake = np.stack([grid((0, 0, 0)), grid((0, 0, 0), (0, 0, 1), (0, 0, 2)), grid((1, 1, 1))])
    # real 0: with fake 0 1/2, with fake 1 2/3; real 1 meets nothing
    np.testing.assert_allclose(volume.best_iou(real, fake), [2 / 3, 0], atol=1e-6)
    assert volume.coverage(real, fake) == pytest.approx((0.5, 1 / 3))


def test_classifier_scores():
    p = np.array([[0.9, 0.1, 0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    scores = volume.classifier_scores(p)
    assert scores["mean_max_prob"] == pytest.approx(0.75)
    assert scores["class_shares"] == [0.5, 0.25, 0.25]
    assert scores["min_class_share"] == 0.25 and scores["max_class_share"] == 0.5

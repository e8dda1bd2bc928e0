"""Hungarian cluster accuracy and the priors `evaluate` draws a
generator's extra inputs from."""

import numpy as np
import pytest

from tfgan_zoo.core import draw_prior
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation.clustering import cluster_accuracy, confusion_matrix


def test_a_relabelled_clustering_scores_one():
    labels = np.repeat(np.arange(4), 5)
    clusters = (labels + 1) % 4
    accuracy, mapping = cluster_accuracy(clusters, labels)
    assert accuracy == 1.0 and mapping == {0: 3, 1: 0, 2: 1, 3: 2}


def test_accuracy_by_hand():
    # cluster 0 holds labels [0, 0, 1], cluster 1 holds [1, 1, 1, 0], cluster 2 [0]
    clusters = [0, 0, 0, 1, 1, 1, 1, 2]
    labels = [0, 0, 1, 1, 1, 1, 0, 0]
    np.testing.assert_array_equal(confusion_matrix(clusters, labels),
                                  [[2, 1], [1, 3], [1, 0]])
    accuracy, mapping = cluster_accuracy(clusters, labels)
    assert accuracy == pytest.approx(5 / 8) and mapping == {0: 0, 1: 1}
    # two clusters that read as one digit: only one of them can match it
    assert cluster_accuracy([0, 0, 1, 1], [7, 7, 7, 7])[0] == 0.5


def test_bad_input():
    with pytest.raises(UserError, match="one label per cluster"):
        cluster_accuracy([0, 1], [0])
    with pytest.raises(UserError, match="non-negative"):
        cluster_accuracy([0, -1], [0, 1])


def test_priors_are_drawn_as_named():
    rng = np.random.default_rng(0)
    assert draw_prior("normal", (3, 2), rng).shape == (3, 2)
    cats = draw_prior("categorical(10)", (500,), rng)
    assert cats.dtype == np.int32 and set(cats.tolist()) == set(range(10))
    u = draw_prior("uniform(-1, 1)", (500, 2), rng)
    assert u.dtype == np.float32 and -1 <= u.min() and u.max() <= 1
    with pytest.raises(UserError, match="cannot draw an input with prior None"):
        draw_prior(None, (1,), rng)

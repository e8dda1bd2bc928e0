"""tfgan_zoo.evaluation.classifiers: `catalogue-cnn`'s data (all of
Fashion-MNIST's training items drawn as products, tinted by a seeded
generator, never the test split) and the batches every classifier trains
on (gathered one at a time, the same as the gathered arrays)."""

import numpy as np

from tfgan_zoo.data import figures
from tfgan_zoo.evaluation import classifiers


def test_catalogue_draws_every_training_item_as_a_tinted_product(monkeypatch):
    rng = np.random.default_rng(5)
    items = rng.integers(25, 256, (7, 28, 28)).astype(np.uint8)  # all item, no gap
    labels = np.array([0, 1, 2, 3, 4, 5, 9], np.int32)
    splits = []

    def fashion_arrays(split):
        splits.append(split)
        return items, labels

    monkeypatch.setattr(figures, "fashion_arrays", fashion_arrays)
    x, y = classifiers._catalogue()
    assert splits == ["train"]  # never the test split
    assert x.shape == (7, 32, 32, 3) and x.dtype == np.float32
    assert y.tolist() == labels.tolist() and y.dtype == np.int64
    colours = np.random.default_rng(70)  # the seeded tints, one per item in order
    for item, image in zip(items, x):
        expected = figures.product(item, figures.garment_colour(colours))
        np.testing.assert_array_equal(image, expected.astype(np.float32) / 127.5 - 1.0)
    # a fixed seed: the same products twice
    np.testing.assert_array_equal(classifiers._catalogue()[0], x)
    # on white, and a tint of its own each (not one colour for all)
    assert (x[:, 0, 0] == 1.0).all()
    centre = (x[:, 16, 16] + 1) * 127.5
    hues = np.round(centre / centre.max(axis=1, keepdims=True), 2)  # shading scales all three
    assert len({tuple(h) for h in hues}) == len(x)


def test_catalogue_cnn_is_its_own_classifier_beside_products_cnn():
    spec, old = classifiers.CLASSIFIERS["catalogue-cnn"], classifiers.CLASSIFIERS["products-cnn"]
    assert spec.load is classifiers._catalogue and spec.input_shape == (32, 32, 3)
    assert (spec.epochs, spec.holdout) == (12, 5000)
    # products-cnn as its figures were read with
    assert (old.load, old.widths, old.epochs, old.holdout) == (
        classifiers._products, (32, 32, 64, 64), 6, 1000)


def test_batches_are_those_of_the_gathered_arrays():
    x = np.arange(30, dtype=np.float32).reshape(10, 3)
    y = np.arange(10) * 10
    order = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5])  # two epochs' worth, repeats
    batches = classifiers._Batches(x, y, order, 4)
    assert len(batches) == 3  # 4 + 4 + 3
    got_x = np.concatenate([batches[i][0] for i in range(len(batches))])
    got_y = np.concatenate([batches[i][1] for i in range(len(batches))])
    np.testing.assert_array_equal(got_x, x[order])
    np.testing.assert_array_equal(got_y, y[order])
    assert batches[2][0].shape == (3, 3)

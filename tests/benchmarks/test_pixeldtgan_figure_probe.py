"""benchmarks/pixeldtgan_figure_probe.py: the confusion matrix it prints
and writes (a row per true class, a column per class read)."""

import numpy as np

from tests.support.scripts import load_benchmark


def test_confusion_counts_true_rows_against_read_columns():
    probe = load_benchmark("pixeldtgan_figure_probe")
    classes = np.array([6, 6, 6, 0, 9])
    read = np.array([6, 0, 0, 0, 7])
    matrix = probe.confusion(read, classes)
    assert matrix.shape == (10, 10) and matrix.sum() == 5
    assert (matrix[6, 6], matrix[6, 0], matrix[0, 6]) == (1, 2, 0)
    assert matrix[9, 7] == 1 and matrix[7, 9] == 0
    # its diagonal over the row sums is the per-class accuracy it prints
    rows = matrix.sum(1)
    assert np.diag(matrix)[rows > 0].tolist() == [1, 1, 0]
    assert probe.per_class(read, classes)[6] == round(1 / 3, 3)


def test_the_probe_takes_the_readers_layers_and_epochs():
    probe = load_benchmark("pixeldtgan_figure_probe")
    assert probe.probe_net("products-cnn") == ((32, 32, 64, 64), 6)
    assert probe.probe_net("catalogue-cnn") == ((32, 32, 64, 64), 12)
    assert probe.probe_net("catalogue-cnn", 3) == ((32, 32, 64, 64), 3)

"""How much of the garment class a lookbook figure carries: the reader's
CNN (--reader's layers and epochs, default `products-cnn`'s: Adam 1e-3,
batch 64, 6 epochs; shuffled by Keras) trained on the 10,000 training
*figures* (64x64, the converter's input) to the garment class, read on the
1,000 test figures, beside that reader on the true products. A converter
that draws the product from the figure cannot be read more often than the
figure itself shows the class, save by luck, so where this probe reads far
below the reader on the true products (products-cnn 0.847) the data (the
item's few pixels on the figure) caps PixelDTGAN's check; where it reads
above, the converter or its objective is the limit.

    python benchmarks/pixeldtgan_figure_probe.py [--reader products-cnn] [--epochs N]
        [--out FILE.json]

`--reader catalogue-cnn` takes that reader's layers (the same widths) and
its 12 epochs; it is still trained on the lookbook figures, the only
figures there are, not on its 60,000 products.

Prints the accuracy overall and per class (Fashion-MNIST's classes 0-9 in
order), the confusion matrix (a row per true class, a column per class
read; counts over the test figures), with CPU seconds and wall time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import keras
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import cpu_seconds  # noqa: E402

from tfgan_zoo.data.figures import CLASS_NAMES, lookbook_arrays  # noqa: E402
from tfgan_zoo.evaluation.classifiers import CLASSIFIERS, ProjectClassifier  # noqa: E402
from tfgan_zoo.reports.cross_domain import PRODUCT_READER, PRODUCT_READERS  # noqa: E402


def per_class(predicted, classes):
    return [round(float((predicted[classes == c] == c).mean()), 3) for c in range(10)]


def confusion(predicted, classes):
    """Counts [true class, class read], classes 0-9 in order."""
    matrix = np.zeros((10, 10), np.int64)
    np.add.at(matrix, (classes, predicted), 1)
    return matrix


def probe_net(reader, epochs=None):
    """(conv widths, epochs) of the probe: `reader`'s, or `epochs` where given."""
    spec = CLASSIFIERS[reader]
    return spec.widths, spec.epochs if epochs is None else epochs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reader", default=PRODUCT_READER, choices=PRODUCT_READERS,
                        help="the products reader whose layers and epochs the probe takes")
    parser.add_argument("--epochs", type=int, default=None,
                        help="training epochs over the figures (default: --reader's)")
    parser.add_argument("--out", help="also write the result to this JSON file")
    args = parser.parse_args(argv)
    started, cpu = time.time(), cpu_seconds()
    keras.utils.set_random_seed(0)
    figures, _, classes = lookbook_arrays("train")
    test_figures, _, test_classes = lookbook_arrays("test")
    widths, epochs = probe_net(args.reader, args.epochs)
    probe = ProjectClassifier("figures-probe", figures.shape[1:], widths)
    probe.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    probe.fit(figures.astype(np.float32) / 127.5 - 1.0, classes.astype(np.int64),
              batch_size=64, epochs=epochs, shuffle=True, verbose=0)
    predicted = probe.predict_logits(test_figures.astype(np.float32) / 127.5 - 1.0).argmax(1)
    matrix = confusion(predicted, test_classes)
    result = {"probe": f"{args.reader}'s CNN on 64x64 lookbook figures", "epochs": epochs,
              "train figures": len(figures), "test figures": len(test_figures),
              "class accuracy": round(float((predicted == test_classes).mean()), 4),
              "accuracy per class": per_class(predicted, test_classes),
              "confusion (row: true, column: read)": matrix.tolist(),
              "cpu_seconds": round(cpu_seconds() - cpu, 1),
              "wall_seconds": round(time.time() - started, 1)}
    print(json.dumps(result))
    names = [name[:6] for name in CLASS_NAMES]
    print("true \\ read " + " ".join(f"{name:>6}" for name in names))
    for name, row in zip(names, matrix):
        print(f"{name:>11} " + " ".join(f"{count:>6}" for count in row))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()

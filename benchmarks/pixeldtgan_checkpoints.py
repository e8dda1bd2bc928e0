"""PixelDTGAN's reading at every kept checkpoint of a run, with the raw
converter C and, where the run keeps one (`--ema-decay`), the average of
C's weights, and of the raw converter whose weights are the mean of those
checkpoints' (batch-norm statistics averaged too): how often
`products-cnn` reads the right garment class on C(figure) over lookbook's
1,000 test pairs, which classes it reads, and SSIM to the true product.
The recipe's report reads the last checkpoint only; this shows how the
reading moves between them. `--split train` reads the first 1,000
training pairs instead (the reader trained on their products). With `--recalibrate N`, the averaged C is read
again with its batch-norm statistics re-estimated on N batches of 256
*training* figures (the core's `recalibrate_ema`; the EMA otherwise keeps
the raw C's statistics, since a figure has no prior to draw from).

    python benchmarks/pixeldtgan_checkpoints.py RUN [--recalibrate 4] [--out FILE.json]

RUN is a `tfgan_zoo.recipes.pixeldtgan` --out directory (keep more
checkpoints with `--keep-checkpoints`). Prints one line per checkpoint,
then the average's.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import tensorflow as tf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tfgan_zoo.data.figures import lookbook_arrays  # noqa: E402
from tfgan_zoo.evaluation.classifiers import load_classifier  # noqa: E402
from tfgan_zoo.evaluation.metrics import ssim  # noqa: E402
from _runs import each_checkpoint, raw_and_average  # noqa: E402

BATCH = 200


def read(classifier, converter, figures, products, classes):
    converted = np.concatenate([np.asarray(converter(figures[i:i + BATCH], training=False))
                                for i in range(0, len(figures), BATCH)])
    predicted = classifier.predict_logits(converted).argmax(1)
    return {"class accuracy": round(float((predicted == classes).mean()), 4),
            "ssim to product": round(float(ssim(converted, products)), 4),
            "classes read": np.bincount(predicted, minlength=10).tolist(),
            "accuracy per class": per_class(predicted, classes)}


def per_class(predicted, classes):
    """The share of each true class read right, classes 0-9 in order."""
    return [round(float((predicted[classes == c] == c).mean()), 3) for c in range(10)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", help="the PixelDTGAN run directory")
    parser.add_argument("--reader", default="products-cnn")
    parser.add_argument("--recalibrate", type=int, default=0,
                        help="also read the EMA C with batch norm re-estimated on this "
                             "many batches of 256 training figures")
    parser.add_argument("--split", choices=("test", "train"), default="test",
                        help="read the 1,000 test pairs (default) or the first 1,000 "
                             "training pairs (does C fit what it trained on?)")
    parser.add_argument("--out", help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    if args.recalibrate:
        train = lookbook_arrays("train")[0][:256 * args.recalibrate]
        train = train.astype(np.float32) / 127.5 - 1.0
    figures, products, classes = (a[:1000] for a in lookbook_arrays(args.split))
    figures = figures.astype(np.float32) / 127.5 - 1.0
    products = products.astype(np.float32) / 127.5 - 1.0
    classifier = load_classifier(args.reader)
    rows, weights, steps = [], [], []
    for step, model in each_checkpoint(args.run):
        steps.append(step)
        weights.append(model.generator.get_weights())
        converters = raw_and_average(model, "raw C", "EMA C")
        for name, converter in converters.items():
            rows.append({"step": step, "converter": name,
                         **read(classifier, converter, figures, products, classes)})
            print(json.dumps(rows[-1]), flush=True)
        if args.recalibrate and "EMA C" in converters:
            model.calibration_batches = lambda count, **_: [
                {"image": tf.constant(train[i * 256:(i + 1) * 256])} for i in range(count)]
            model.recalibrate_ema(args.recalibrate)
            rows.append({"step": step, "converter": f"EMA C, batch norm re-estimated on "
                         f"{len(train)} training figures",
                         **read(classifier, model.generator_ema, figures, products, classes)})
            print(json.dumps(rows[-1]), flush=True)
    model.generator.set_weights([np.mean(w, axis=0) for w in zip(*weights)])
    rows.append({"step": f"mean of the raw weights at {steps}", "converter": "raw C",
                 **read(classifier, model.generator, figures, products, classes)})
    print(json.dumps(rows[-1]), flush=True)
    print("true classes:", np.bincount(classes, minlength=10).tolist())
    truth = classifier.predict_logits(products).argmax(1)
    print("accuracy per class on the true products:", per_class(truth, classes))
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()

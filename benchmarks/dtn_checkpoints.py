"""DTN's reading at every checkpoint of a run: how often `mnist-cnn` (an
MNIST classifier trained without mnist5k's 500 held-out digits) reads the
source label on G(x) for the source domain's test split, with the averaged
g (`--ema-decay`) and the raw g, f-constancy, and the swaps: for each
source digit that G(x) turns into another digit in at least `--swap` of
the test images, "source>read: count". The recipe's report reads the last
checkpoint only; this shows how the reading drifts between them. A last
line per generator sums the trajectory up: its peak, and the lowest, mean
and highest reading over the second half of the run (`late`), where a
setting must stay above the check's 0.80 rather than end there by luck.

    python benchmarks/dtn_checkpoints.py RUN/dtn [--out FILE.json] [--swap 15]
                                         [--average-from STEP] [--other-f DIR]

Each reading also says how f's own head (the source classifier's) reads
G(x): `f reads` is how often it reads the source label, `f reads where
the reader misses` the same on the images `mnist-cnn` reads as another
digit. High there, the misses are shapes f takes for the source digit,
which no f-constancy term (features or logits) pushes g away from.
`--other-f DIR` reads G(x) with another source classifier too (e.g. a
phase 1 of another seed): whether a second f shares those blind spots.

`--average-from STEP` also reads the raw g whose weights (batch-norm
statistics included) are the mean of the kept checkpoints' from STEP on:
what a longer average of g than the run's EMA would draw, read without
training one (a uniform mean of a few snapshots, not an EMA of every step).

RUN is a `tfgan_zoo.recipes.dtn` --out directory; keep its checkpoints
with `--keep-checkpoints`. Prints one line per checkpoint.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import tensorflow as tf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tfgan_zoo.data.digit_domains import domain_images  # noqa: E402
from tfgan_zoo.evaluation.classifiers import load_classifier  # noqa: E402
from _runs import each_checkpoint, raw_and_average  # noqa: E402
from tfgan_zoo.rundir.run import load_run  # noqa: E402

BATCH = 200


def swaps(labels, predicted, least):
    """'source>read: count' for every (source, read) pair of different
    digits seen at least `least` times, most first."""
    pairs = np.zeros((10, 10), int)
    np.add.at(pairs, (labels, predicted), 1)
    np.fill_diagonal(pairs, 0)
    found = [(int(pairs[a, b]), a, b) for a, b in zip(*np.nonzero(pairs >= least))]
    return [f"{a}>{b}: {n}" for n, a, b in sorted(found, reverse=True)]


def f_agreement(labels, reader, f_read):
    """(how often f reads the source label on G(x), the same where the
    reader reads another digit; None when it misses none)."""
    misses = reader != labels
    return (round(float((f_read == labels).mean()), 4),
            round(float((f_read[misses] == labels[misses]).mean()), 4) if misses.any() else None)


def read(classifier, generator, model, images, labels, heads=()):
    """(reader accuracy on g(f(x)), mean ||f(x) - f(g(f(x)))||^2, the
    reader's digit for each image, and each (encoder, head) in `heads`'s
    digit for each image)."""
    predicted, constancy, by_heads = [], [], [[] for _ in heads]
    for i in range(0, len(images), BATCH):
        features = model.encoder(tf.constant(images[i:i + BATCH]), training=False)
        fake = generator(features, training=False)
        fake_features = model.encoder(fake, training=False)
        constancy.append(np.mean(np.square(fake_features - features), 1))
        predicted.append(classifier.predict_logits(np.asarray(fake)).argmax(1))
        for out, (encoder, head) in zip(by_heads, heads):
            seen = fake_features if encoder is model.encoder else encoder(fake, training=False)
            out.append(np.asarray(head(seen)).argmax(1))
    predicted = np.concatenate(predicted)
    return (round(float((predicted == labels).mean()), 4),
            round(float(np.concatenate(constancy).mean()), 5), predicted,
            [np.concatenate(out) for out in by_heads])


def trajectory(rows, name):
    """{peak, peak_step, late_min, late_mean, late_max, late_steps} of the
    `name` readings in `rows`; late is every checkpoint at or after half
    the last step."""
    readings = {row["step"]: row[name] for row in rows if name in row}
    peak_step = max(readings, key=lambda step: (readings[step], -step))
    late = [readings[step] for step in sorted(readings) if 2 * step >= max(readings)]
    return {"peak": readings[peak_step], "peak_step": peak_step, "late_min": min(late),
            "late_mean": round(float(np.mean(late)), 4), "late_max": max(late),
            "late_steps": len(late)}


def mean_weights(networks):
    """The element-wise mean of the networks' weights, one array per weight."""
    return [np.mean(arrays, axis=0) for arrays in zip(*(n.get_weights() for n in networks))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", help="the DTN run directory (OUT/dtn)")
    parser.add_argument("--reader", default="mnist-cnn")
    parser.add_argument("--out", help="also write the rows to this JSON file")
    parser.add_argument("--swap", type=int, default=15,
                        help="list the source digits drawn as another this many times")
    parser.add_argument("--average-from", type=int, default=None, metavar="STEP",
                        help="also read the mean of the raw g's weights over the kept "
                             "checkpoints from STEP on")
    parser.add_argument("--other-f", metavar="DIR",
                        help="also read G(x) with this source classifier (OUT/source)")
    args = parser.parse_args(argv)
    model, _ = load_run(args.run)  # the newest: which data, at which size
    images, labels = domain_images(model.source_domains[0], "test", model.image_shape)
    classifier = load_classifier(args.reader)
    other = None
    if args.other_f:
        other = load_run(args.run)[0]  # a model of the same architecture, for its f
        other.load_source_classifier(args.other_f)
    rows, averaged = [], []
    for step, model in each_checkpoint(args.run):
        row = {"step": step}
        nets = raw_and_average(model, "raw g", "EMA g")
        heads = [(model.encoder, model.source_head)] + (
            [other.pretrained_networks()] if other else [])
        for name, net in nets.items():
            row[name], row[f"{name} f-constancy"], predicted, f_reads = read(
                classifier, net, model, images, labels, heads)
            row[f"{name} swaps"] = swaps(labels, predicted, args.swap)
            for key, f_read in zip(("f", "other f"), f_reads):
                (row[f"{name} {key} reads"],
                 row[f"{name} {key} reads where the reader misses"]) = f_agreement(
                    labels, predicted, f_read)
        print(json.dumps(row), flush=True)
        rows.append(row)
        if args.average_from is not None and step >= args.average_from:
            averaged.append((step, model.generator))
    for name in nets:
        print(json.dumps({name: trajectory(rows, name)}), flush=True)
    if averaged:
        generator = averaged[-1][1]
        generator.set_weights(mean_weights([net for _, net in averaged]))
        name = f"mean of raw g, steps {averaged[0][0]}-{averaged[-1][0]}"
        reading, constancy, predicted, _ = read(classifier, generator, model, images, labels)
        row = {name: reading, f"{name} f-constancy": constancy,
               f"{name} swaps": swaps(labels, predicted, args.swap)}
        print(json.dumps(row), flush=True)
        rows.append(row)
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()

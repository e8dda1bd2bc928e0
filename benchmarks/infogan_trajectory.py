"""How an InfoGAN run's categorical code came to be, checkpoint by checkpoint.

    python benchmarks/infogan_trajectory.py RUN [--per-category 200] [--steps 1000 2000]

For each checkpoint a run kept (train with --keep-checkpoints 25 to keep
them all), as a markdown table:

- cluster: the code report's cluster accuracy (mnist-cnn's reading of
  `per_category` fakes per code value, z and the continuous codes random,
  Hungarian-matched), on fewer images than the report's 1,000;
- Q on fakes: how often Q's categorical head reads back the code that drew
  a fake (argmax), the term the information loss trains; near 1 while the
  cluster accuracy is low means Q reads the code from something other than
  the digit (stroke, thickness, a position);
- digits a z: for 50 fixed z, the number of distinct digits (mnist-cnn)
  among the 10 code values, averaged (10: the code picks the digit; fewer:
  z picks it too);
- Q on real: Q's argmax on the 500 held-out real digits, Hungarian-matched
  to their labels (whether Q's ten categories are the ten digits on data).
"""

from __future__ import annotations

import argparse

import numpy as np
import tensorflow as tf

from tfgan_zoo.data import digits
from tfgan_zoo.evaluation.classifiers import load_classifier
from tfgan_zoo.evaluation.clustering import cluster_accuracy
from tfgan_zoo.reports.codes import _generate, _inputs, _noise, fakes_per_code
from tfgan_zoo.rundir.checkpoint import CheckpointDir
from tfgan_zoo.rundir.run import load_run


def q_categories(model, images, batch_size=500):
    return np.concatenate([
        model.discriminator(tf.convert_to_tensor(images[i:i + batch_size]),
                            training=False)[1].numpy().argmax(axis=1)
        for i in range(0, len(images), batch_size)])


def read_checkpoint(model, classifier, real, labels, per_category, seed=0):
    rng = np.random.default_rng(seed)
    k = model.num_categories
    categories, images = fakes_per_code(model, per_category, rng)
    read = classifier.predict_logits(images).argmax(axis=1)
    cluster, _ = cluster_accuracy(categories, read, num_clusters=k)
    q_fake = float((q_categories(model, images) == categories).mean())
    columns = 50
    z = np.tile(_noise(model, columns, rng), (k, 1))
    grid = _generate(model, _inputs(model, z, np.repeat(np.arange(k), columns)))
    per_z = classifier.predict_logits(grid).argmax(axis=1).reshape(k, columns)
    distinct = float(np.mean([len(set(per_z[:, c])) for c in range(columns)]))
    q_real, _ = cluster_accuracy(q_categories(model, real), labels, num_clusters=k)
    return cluster, q_fake, distinct, q_real


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", help="an infogan run directory (its --out)")
    parser.add_argument("--per-category", type=int, default=200)
    parser.add_argument("--steps", type=int, nargs="*",
                        help="read only these checkpoints (default: every one kept)")
    args = parser.parse_args()
    classifier = load_classifier("mnist-cnn")
    x, y = digits.mnist5k_arrays()
    held_out = digits.mnist5k_part("test")
    real = x[held_out].astype(np.float32) / 127.5 - 1.0
    labels = y[held_out]
    steps = CheckpointDir(f"{args.run}/checkpoints").steps()
    if args.steps:
        steps = [step for step in steps if step in args.steps]
    print("| step | cluster | Q on fakes | digits a z (of 10) | Q on real (Hungarian) |")
    print("|---|---|---|---|---|")
    for step in steps:
        model, config = load_run(args.run, step)
        cluster, q_fake, distinct, q_real = read_checkpoint(
            model, classifier, real, labels, args.per_category, seed=config.seed)
        print(f"| {step} | {cluster:.3f} | {q_fake:.3f} | {distinct:.1f} | {q_real:.3f} |",
              flush=True)


if __name__ == "__main__":
    main()

"""Which colour the tag classifier reads on a tag GAN's faces, per colour
asked: the hair and eye colour confusion matrices (rows: asked; columns:
read; each row sums to 1) of faces generated for the tags of real test
faces of the procedural cartoon faces (the stand-in for anime faces), one
z per face, beside the classifier's own matrices on those real faces.

    PYTHONPATH=. python benchmarks/tag_gan_confusion.py RUN [--step N] [--num 600]

Reads the generator the report reads (`model.sample`: the averaged G
where the run keeps one), and with an EMA also the raw G in inference
mode, and both G's colour accuracy under each batch-norm statistics (the
averaged G's re-estimated ones, batch statistics, the raw G's copied).
"""

import argparse

import numpy as np
import tensorflow as tf

from tfgan_zoo.data import cartoon_faces as faces
from tfgan_zoo.evaluation.tags import cached_tag_classifier, read_tags, tag_accuracy
from tfgan_zoo.rundir.run import load_run


def confusion(read, asked, start, stop):
    """Rows: the colour asked; columns: the colour read (fractions)."""
    size = stop - start
    counts = np.zeros((size, size))
    np.add.at(counts, (asked[:, start:stop].argmax(1), read[:, start:stop].argmax(1)), 1)
    return counts / np.maximum(counts.sum(1, keepdims=True), 1)


def show(title, read, tags):
    print(f"\n## {title}")
    for group, names in (("hair", list(faces.HAIR_COLOURS)), ("eyes", list(faces.EYE_COLOURS))):
        start, stop = faces.group_slices()[0 if group == "hair" else 1]
        matrix = confusion(read, tags, start, stop)
        print(f"{group}: asked \\ read | " + " | ".join(names) + " | accuracy")
        for name, row in zip(names, matrix):
            print(f"  {name:>7} | " + " | ".join(f"{v:.2f}" for v in row)
                  + f" | {row[names.index(name)]:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("--step", type=int, default=None)
    parser.add_argument("--num", type=int, default=600)
    args = parser.parse_args()
    model, config = load_run(args.run, args.step)
    classifier = cached_tag_classifier(model.image_shape[0])
    real, tags = faces.generate(args.num, model.image_shape[0], "test")
    print(f"run {args.run}, step {model.step}, {args.num} test tags")
    show("real test faces (the classifier's ceiling)",
         read_tags(classifier, real / 127.5 - 1.0), tags)
    show("generated (model.sample: the averaged G where there is one)",
         read_tags(classifier, model.sample(args.num, seed=config.seed, tags=tags)), tags)
    if model.ema_decay:
        z = tf.constant(model.example_inputs(args.num, seed=config.seed)["z"])
        tags_in = tf.constant(tags)

        def read(network, training=False):
            images = tf.cast(network([z, tags_in], training=training), tf.float32).numpy()
            return tag_accuracy(read_tags(classifier, images), tags)

        raw = tf.cast(model.generator([z, tags_in], training=False), tf.float32)
        show("raw G, inference mode", read_tags(classifier, raw.numpy()), tags)
        # The averaged G's batch norm: re-estimated (what the checkpoint
        # holds), with batch statistics, and with the raw G's statistics
        # copied (what it had before `recalibrate_ema`).
        rows = {"averaged G, batch norm re-estimated (checkpoint)": read(model.generator_ema),
                "averaged G, batch statistics of these 600": read(model.generator_ema, True)}
        for average, weight in zip(model.generator_ema.weights, model.generator.weights):
            if not weight.trainable:
                average.assign(weight)
        rows["averaged G, raw G's statistics copied"] = read(model.generator_ema)
        rows["raw G, inference mode"] = read(model.generator)
        rows["raw G, batch statistics of these 600"] = read(model.generator, True)
        print("\n## hair / eye colour by generator and batch-norm statistics")
        for name, scores in rows.items():
            print(f"  {name}: {scores['hair colour']:.3f} / {scores['eye colour']:.3f}")


if __name__ == "__main__":
    main()

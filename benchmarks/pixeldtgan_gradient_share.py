"""Which term moves PixelDTGAN's converter when `--pixel-weight W` joins
the adversarial ones: at every kept checkpoint of a run, on batches of
lookbook's test pairs (rendering the 10,000 training pairs takes minutes;
the gradients are only measured, never applied), the norm of the gradient on C's weights of the adversarial part
of C's loss (1/2 [BCE(D_R(C(x)), 1) + BCE(D_A(x, C(x)), 1)]) and of the
pixel part (W |C(x) - y|_1), and the cosine between the two. A pixel
share near 1 means the discriminators no longer steer C.

    python benchmarks/pixeldtgan_gradient_share.py RUN [--batches 4]

RUN is a `tfgan_zoo.recipes.pixeldtgan --pixel-weight W` --out directory.
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
from tfgan_zoo.losses import binary_cross_entropy, l1_loss  # noqa: E402
from _runs import each_checkpoint  # noqa: E402

BATCH = 64


def flat(gradients):
    return tf.concat([tf.reshape(tf.cast(g, tf.float32), [-1]) for g in gradients], 0)


def shares(model, figures, products):
    with tf.GradientTape(persistent=True) as tape:
        fake = model.translate(figures, training=True)
        adversarial = binary_cross_entropy(model.discriminator(fake, training=True), 1.0)
        if model.association:
            adversarial = 0.5 * (adversarial + binary_cross_entropy(
                model.associate(figures, fake), 1.0))
        pixel = model.pixel_weight * l1_loss(fake, products)
    weights = model.generator.trainable_variables
    a, p = flat(tape.gradient(adversarial, weights)), flat(tape.gradient(pixel, weights))
    a_norm, p_norm = float(tf.norm(a)), float(tf.norm(p))
    return {"adversarial loss": float(adversarial), "pixel loss (weighted)": float(pixel),
            "adversarial grad norm": a_norm, "pixel grad norm": p_norm,
            "cosine": float(tf.reduce_sum(a * p)) / (a_norm * p_norm + 1e-12)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run")
    parser.add_argument("--batches", type=int, default=4)
    args = parser.parse_args(argv)
    figures, products, _ = lookbook_arrays("test")
    figures = figures[:BATCH * args.batches].astype(np.float32) / 127.5 - 1.0
    products = products[:BATCH * args.batches].astype(np.float32) / 127.5 - 1.0
    rows = []
    for step, model in each_checkpoint(args.run):
        each = [shares(model, tf.constant(figures[i:i + BATCH]),
                       tf.constant(products[i:i + BATCH]))
                for i in range(0, len(figures), BATCH)]
        row = {k: round(float(np.mean([e[k] for e in each])), 4) for k in each[0]}
        row["pixel share of the norms"] = round(
            row["pixel grad norm"] / (row["pixel grad norm"] + row["adversarial grad norm"]), 3)
        rows.append({"step": step, "pixel_weight": model.pixel_weight, **row})
        print(json.dumps(rows[-1]), flush=True)
    return rows


if __name__ == "__main__":
    main()

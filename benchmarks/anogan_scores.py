"""Why AnoGAN's scores rank the one-class rotation badly: on trained
rotation runs (`benchmarks/anogan_one_class.py`'s OUT/anomaly-D, trained
here with the recipe's defaults if missing), every held-out mnist5k digit
is searched once per (Gamma, lambda) and scored several ways from the same
search, beside the f-AnoGAN encoder's one pass:

- paper: the search loss (1 - lambda) mean|x - G(z)| + lambda mean|f(x) - f(G(z))|
  (Schlegl et al. 2017 eq. 5; the recipe's score);
- residual, feature: its two terms alone;
- relative: 1 - soft Dice of the ink maps (ink = (x + 1) / 2),
  sum|ink_x - ink_G| / (sum ink_x + sum ink_G): the residual per unit of
  ink, so a thin digit's small residual is not read as normal;
- latent: |z|^2 of the found z (the prior's negative log-likelihood);
- posterior: paper + beta mean(z^2), where the search also minimised the
  prior's term (--prior-weights beta; 0 is the paper's search);
- d_real: -D(x), the discriminator's logit on the query (Schlegl et al.
  §2.2's first discrimination loss reads D on G(z): d_fake);
- the same for the encoder's z = E(x) (izif: f-AnoGAN's score).

    python benchmarks/anogan_scores.py --digits 1,9 --out runs/anogan-rotation \
        [--gammas 200 500] [--feature-weights 0.1 0.5] [--steps N]

Prints AUROC per score and the class means of the chosen scores (does a
score rank ink mass rather than novelty?); writes OUT/scores-D.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.evaluation.anomaly import anomaly_labels, auroc
from tfgan_zoo.latent import adam_search, project, projection_loss, unbounded
from tfgan_zoo.recipes.anogan import RECIPE
from tfgan_zoo.reports.anomaly import held_out_digits
from tfgan_zoo.training.trainer import train


def scores_of(model, x, reconstruction, z):
    """The scores that need only the query, its reconstruction and z: [B] each."""
    ink_x, ink_g = (x + 1.0) / 2.0, (reconstruction + 1.0) / 2.0
    flat = lambda t: tf.reshape(t, [tf.shape(t)[0], -1])  # noqa: E731
    residual = tf.reduce_mean(flat(tf.abs(x - reconstruction)), 1)
    feature = tf.reduce_mean(flat(tf.abs(model.features(x) - model.features(reconstruction))), 1)
    relative = tf.reduce_sum(flat(tf.abs(ink_x - ink_g)), 1) / tf.maximum(
        tf.reduce_sum(flat(ink_x + ink_g), 1), 1e-6)
    return {"residual": residual, "feature": feature, "relative": relative,
            "latent": tf.reduce_sum(tf.square(z), 1),
            "d_real": -tf.reshape(model.discriminator(x, training=False), [-1]),
            "d_fake": -tf.reshape(model.discriminator(reconstruction, training=False), [-1])}


def prior_search(model, x, gamma, lam, beta, seed=0, bound=3.0):
    """The search with the prior's term beta * mean(z^2) added to eq. 5 (a MAP
    estimate of z: -log p(z) up to a constant and scale); beta 0 is `project`."""
    x_features = model.features(x)

    def loss(w):
        z = bound * tf.tanh(w)
        return projection_loss(x, model.generate(z), model.features, "both", lam,
                               x_features=x_features) + beta * tf.reduce_mean(tf.square(z), -1)

    z0 = tf.random.stateless_normal([tf.shape(x)[0], model.latent_dim], [seed, 0])
    z = bound * tf.tanh(adam_search(loss, unbounded(z0, bound), gamma, model.search_lr))
    images = model.generate(z)
    return {"z": z, "images": images, "loss": projection_loss(
        x, images, model.features, "both", lam, x_features=x_features)}


def search_scores(model, x, gamma, lam, beta=0.0, seed=0):
    if beta:
        search = tf.function(lambda images: prior_search(model, images, gamma, lam, beta, seed))
    else:
        search = tf.function(lambda images: project(
            model.generate, images, latent_dim=model.latent_dim, steps=gamma,
            lr=model.search_lr, loss="both", features=model.features, feature_weight=lam,
            seed=seed))
    start = time.process_time()
    found = search(x)
    cpu = time.process_time() - start
    scores = scores_of(model, x, found["images"], found["z"])
    scores["paper"] = found["loss"]
    scores["posterior"] = found["loss"] + beta * scores["latent"] / model.latent_dim
    return {k: v.numpy() for k, v in scores.items()}, cpu


def encoder_scores(model, x):
    z = model.encode(x)
    scores = scores_of(model, x, model.generate(z), z)
    scores["izif"] = model.izif_scores(x)
    return {k: v.numpy() for k, v in scores.items()}


def trained(digit, out, steps):
    normal = ",".join(str(d) for d in range(10) if d != digit)
    config = dataclasses.replace(RECIPE, dataset=f"mnist5k:train:normal={normal}",
                                 out=str(Path(out) / f"anomaly-{digit}"), export=False,
                                 steps=steps or RECIPE.steps)
    start = time.process_time()
    model = train(config, verbose=0)
    return model, normal, time.process_time() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--digits", default="1,9", help="anomaly digits, e.g. 1,9")
    parser.add_argument("--out", default="runs/anogan-rotation")
    parser.add_argument("--steps", type=int, default=None, help="training steps (default: "
                        "the recipe's)")
    parser.add_argument("--gammas", type=int, nargs="+", default=[200],
                        help="search steps Gamma to try (default: 200, the recipe's)")
    parser.add_argument("--feature-weights", type=float, nargs="+", default=[0.1],
                        help="lambda values to try (default: 0.1, the paper's)")
    parser.add_argument("--prior-weights", type=float, nargs="+", default=[0.0],
                        help="beta values to try: the search also minimises beta * "
                             "mean(z^2), and the posterior score adds it (default: 0)")
    parser.add_argument("--tag", default="", help="suffix of the scores file's name")
    args = parser.parse_args()
    x, labels = held_out_digits()
    x = tf.constant(x)
    for digit in [int(d) for d in args.digits.split(",")]:
        model, normal, train_cpu = trained(digit, args.out, args.steps)
        is_anomaly = anomaly_labels(labels, [int(d) for d in normal.split(",")])
        report = {"anomaly": digit, "train_cpu_s": round(train_cpu, 1), "paths": {}}
        paths = {"encoder": (encoder_scores(model, x), 0.0)}
        for gamma in args.gammas:
            for lam in args.feature_weights:
                for beta in args.prior_weights:
                    paths[f"search G={gamma} lambda={lam} beta={beta}"] = search_scores(
                        model, x, gamma, lam, beta)
        for name, (scores, cpu) in paths.items():
            report["paths"][name] = {
                "search_cpu_s": round(cpu, 1),
                "auroc": {k: round(auroc(is_anomaly, v), 4) for k, v in scores.items()},
                "class_means": {k: [round(float(v[labels == c].mean()), 4) for c in range(10)]
                                for k, v in scores.items()}}
            print(f"digit {digit} {name} (search {cpu:.0f} CPU-s): " + ", ".join(
                f"{k} {a:.3f}" for k, a in report["paths"][name]["auroc"].items()), flush=True)
        Path(args.out, f"scores-{digit}{args.tag}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

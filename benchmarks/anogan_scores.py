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
- the same for the encoder's z = E(x) (izif: f-AnoGAN's score);
- shape: the feature term read at D's first convolution (its stride-2
  edge map) instead of its last feature map;
- complexity: paper / the query's zlib-compressed length (Serra et al.
  2020's input-complexity correction: a simple image is easy to
  reconstruct whatever the model learnt);
- with --knn K: each score divided by the mean of the same score over the
  K training normals nearest the query (pixel L2; `*_knn`), so a residual
  is read against the residuals of normals that look alike; and, for
  reference only (no search, not AnoGAN), the mean pixel / D-feature
  distance to those K normals (`knn_pixel`, `knn_feature`).

Search variants, each a path of its own: --restarts R (R seeded random
starts, the lowest loss kept), --hybrid (Gamma steps from z = E(x), iGAN's
hybrid, the f-AnoGAN encoder's start).

    python benchmarks/anogan_scores.py --digits 1,9 --out runs/anogan-rotation \
        [--gammas 200 500] [--feature-weights 0.1 0.5] [--steps N] \
        [--knn 5 --calibration 500] [--hybrid] [--restarts R] [--tag=-probe]

Prints AUROC per score and the class means of the chosen scores (does a
score rank ink mass rather than novelty?); writes OUT/scores-D.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
import zlib
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo.evaluation.anomaly import anomaly_labels, auroc
from tfgan_zoo.latent import adam_search, project, projection_loss, unbounded
from tfgan_zoo.recipes.anogan import RECIPE
from tfgan_zoo.data.digits import mnist5k_arrays, mnist5k_part
from tfgan_zoo.reports.anomaly import held_out_digits
from tfgan_zoo.training.trainer import train


def first_stage(discriminator):
    """D's first convolution's activations (before any batch norm): a
    stride-2 edge map that reads stroke shape, where the last feature map
    reads what D uses to call an image real."""
    act = next(layer for layer in discriminator.layers
               if isinstance(layer, keras.layers.LeakyReLU))
    return keras.Model(discriminator.inputs, act.output)


def complexity(x):
    """zlib-compressed length in bytes of each query as uint8 [B]."""
    pixels = np.round((np.asarray(x) + 1.0) * 127.5).astype(np.uint8)
    return np.array([len(zlib.compress(p.tobytes(), 9)) for p in pixels], np.float32)


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
            "d_fake": -tf.reshape(model.discriminator(reconstruction, training=False), [-1]),
            "shape": tf.reduce_mean(flat(tf.abs(model.first_stage(x)
                                                - model.first_stage(reconstruction))), 1)}


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


def search_scores(model, x, gamma, lam, beta=0.0, seed=0, restarts=1, init="random"):
    if restarts > 1:
        runs = [search_scores(model, x, gamma, lam, beta, seed + r) for r in range(restarts)]
        best = np.argmin(np.stack([r[0]["paper"] for r in runs]), 0)
        pick = lambda k: np.stack([r[0][k] for r in runs])[best, np.arange(len(best))]  # noqa
        return {k: pick(k) for k in runs[0][0]}, sum(r[1] for r in runs)
    if init == "encoder":
        search = tf.function(lambda images: project(
            model.generate, images, latent_dim=model.latent_dim, steps=gamma,
            lr=model.search_lr, loss="both", features=model.features, feature_weight=lam,
            encoder=model.encode, init="encoder"))
    elif beta:
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
    scores["complexity"] = found["loss"] / complexity(x)
    return {k: np.asarray(v) for k, v in scores.items()}, cpu


def encoder_scores(model, x):
    z = model.encode(x)
    scores = scores_of(model, x, model.generate(z), z)
    scores["izif"] = model.izif_scores(x)
    scores["complexity"] = scores["izif"] / complexity(x)
    return {k: np.asarray(v) for k, v in scores.items()}


def training_normals(normal, count, seed=0):
    """`count` seeded training digits of the normal classes, [-1, 1]."""
    x, y = mnist5k_arrays()
    index = mnist5k_part("train")
    index = index[np.isin(y[index], normal)]
    index = np.random.default_rng(seed).choice(index, count, replace=False)
    return x[index].astype("float32") / 127.5 - 1.0


def knn_calibrated(scores, reference, x, normals, model, k):
    """Each score over the mean of the same score on the k normals nearest
    the query (pixel L2); plus the k-NN distances themselves."""
    flat = lambda a: np.asarray(a).reshape(len(a), -1)  # noqa: E731
    qx, nx = flat(x), flat(normals)
    d = (qx ** 2).sum(1)[:, None] - 2 * qx @ nx.T + (nx ** 2).sum(1)[None]
    near = np.argsort(d, 1)[:, :k]
    qf, nf = flat(model.features(x)), flat(model.features(normals))
    df = (qf ** 2).sum(1)[:, None] - 2 * qf @ nf.T + (nf ** 2).sum(1)[None]
    out = {f"{name}_knn": v / np.maximum(np.abs(reference[name][near].mean(1)), 1e-8)
           for name, v in scores.items() if name in reference
           and name in ("paper", "izif", "residual", "feature", "shape", "relative")}
    out["knn_pixel"] = np.sqrt(np.maximum(np.sort(d, 1)[:, :k], 0)).mean(1)
    out["knn_feature"] = np.sqrt(np.maximum(np.sort(df, 1)[:, :k], 0)).mean(1)
    return out


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
    parser.add_argument("--restarts", type=int, default=1,
                        help="random starts per query, the lowest loss kept (default 1)")
    parser.add_argument("--hybrid", action="store_true",
                        help="also search from the encoder's z = E(x) (iGAN's hybrid)")
    parser.add_argument("--knn", type=int, default=0,
                        help="k of the k-NN calibration over --calibration training "
                             "normals (default 0: off)")
    parser.add_argument("--calibration", type=int, default=500,
                        help="training normals searched for the k-NN calibration")
    parser.add_argument("--tag", default="", help="suffix of the scores file's name")
    args = parser.parse_args()
    x, labels = held_out_digits()
    x = tf.constant(x)
    for digit in [int(d) for d in args.digits.split(",")]:
        model, normal, train_cpu = trained(digit, args.out, args.steps)
        model.first_stage = first_stage(model.discriminator)
        normal_digits = [int(d) for d in normal.split(",")]
        is_anomaly = anomaly_labels(labels, normal_digits)
        report = {"anomaly": digit, "train_cpu_s": round(train_cpu, 1), "paths": {}}
        normals = tf.constant(training_normals(normal_digits, args.calibration)) \
            if args.knn else None
        runs = [("encoder", lambda images: (encoder_scores(model, images), 0.0))]
        for gamma in args.gammas:
            for lam in args.feature_weights:
                for beta in args.prior_weights:
                    runs.append((f"search G={gamma} lambda={lam} beta={beta}"
                                 + (f" restarts={args.restarts}" if args.restarts > 1 else ""),
                                 lambda images, g=gamma, l=lam, b=beta: search_scores(
                                     model, images, g, l, b, restarts=args.restarts)))
                if args.hybrid:
                    runs.append((f"hybrid G={gamma} lambda={lam}",
                                 lambda images, g=gamma, l=lam: search_scores(
                                     model, images, g, l, init="encoder")))
        paths = {}
        for name, run in runs:
            scores, cpu = run(x)
            if args.knn:
                reference, _ = run(normals)
                scores.update(knn_calibrated(scores, reference, x, normals, model, args.knn))
            paths[name] = (scores, cpu)
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

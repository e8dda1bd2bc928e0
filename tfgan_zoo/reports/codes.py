"""InfoGAN's code report (Chen et al. 2016, §7.1 and Fig. 2), under
`RUN/codes/`:

    categorical.png     one row per value of the categorical code, one column
                        per noise z (continuous codes at 0)
    continuous_<j>.png  one row per categorical value, code j swept from -2 to
                        2 left to right (the paper's range; training draws
                        U(-1, 1)), other codes at 0
    report.json         the figures below

Cluster accuracy: 1,000 images per categorical value, read by the mnist-cnn
classifier (which never saw mnist5k's held-out 500), matched one-to-one to
digits by the Hungarian method; `digits_per_code` lists each value's three
most frequent readings with their shares (which digits a value merges).
Continuous codes: 2,000 images with every input random; Spearman's rho
between each code and each image moment (slant, width, ink, height;
`tfgan_zoo.evaluation.moments`), pooled over all of them. And, under
`sweep`, the paper's Fig. 2 reading (`sweep_correlations`): each code swept
from -2 to 2 with z, the categorical value and the other codes fixed, rho
taken within each such row.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tensorflow as tf
from scipy.stats import rankdata

from tfgan_zoo.core import draw_prior
from tfgan_zoo.evaluation.classifiers import load_classifier
from tfgan_zoo.evaluation.clustering import cluster_accuracy, confusion_matrix
from tfgan_zoo.evaluation.moments import MOMENTS, code_moment_correlations, image_moments
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid


def _generate(model, inputs, batch_size=500):
    n = len(inputs["z"])
    out = [model.generate_from({k: tf.convert_to_tensor(v[i:i + batch_size])
                                for k, v in inputs.items()}).numpy()
           for i in range(0, n, batch_size)]
    return np.concatenate(out)


def _inputs(model, z, categories, continuous=None):
    inputs = {"z": np.asarray(z, np.float32), "code_cat": np.asarray(categories, np.int32)}
    if model.continuous_codes:
        inputs["code_cont"] = (np.zeros((len(z), model.continuous_codes), np.float32)
                               if continuous is None else np.asarray(continuous, np.float32))
    return inputs


def _noise(model, n, rng):
    """n draws of z from the prior the model declares (U(-1, 1) or N(0, I))."""
    return draw_prior(model.generator_inputs()["z"].prior, (n, model.latent_dim), rng)


def generate_codes(model, categories, continuous, rng):
    """Images for the given codes, z drawn from the model's prior."""
    z = _noise(model, len(categories), rng)
    return _generate(model, _inputs(model, z, categories, continuous))


def _row_spearman(x, values):
    """Spearman's rho of each row of `values` [R, S] against x [S]; a row
    whose value does not move gives 0 (no effect)."""
    a = rankdata(values, axis=1)
    a -= a.mean(axis=1, keepdims=True)
    b = rankdata(x) - (len(x) + 1) / 2.0
    norm = np.sqrt((a * a).sum(axis=1) * (b * b).sum())
    return np.divide((a * b).sum(axis=1), norm, out=np.zeros(len(a)), where=norm > 0)


def sweep_correlations(model, rows_per_category=20, steps=9, low=-2.0, high=2.0, seed=0):
    """Each continuous code read as the paper's Fig. 2 shows it (Chen et al.
    2016, §7.1): in each row z and the categorical value are fixed (every
    value equally often, z from the model's prior) with the other codes at
    0, as in `continuous_<j>.png`, and code j takes `steps` values from `low`
    to `high`; Spearman's rho between c_j and each image moment is taken
    within the row. Returns {"mean": {moment: [per code]}, "mean_abs": ...,
    "rows", "range"}: the mean over rows of rho (one direction in every row)
    and of abs(rho) (a direction of its own in each row)."""
    rng = np.random.default_rng(seed + 2)
    k, codes = model.num_categories, model.continuous_codes
    sweep = np.linspace(low, high, steps)
    rows = k * rows_per_category
    mean = {name: [] for name in MOMENTS}
    mean_abs = {name: [] for name in MOMENTS}
    for j in range(codes):
        z = np.repeat(_noise(model, rows, rng), steps, axis=0)
        categories = np.repeat(np.repeat(np.arange(k), rows_per_category), steps)
        cont = np.zeros((rows * steps, codes), np.float32)
        cont[:, j] = np.tile(sweep, rows)
        moments = image_moments(_generate(model, _inputs(model, z, categories, cont)))
        for name in MOMENTS:
            rho = _row_spearman(sweep, moments[name].reshape(rows, steps))
            mean[name].append(float(rho.mean()))
            mean_abs[name].append(float(np.abs(rho).mean()))
    return {"mean": mean, "mean_abs": mean_abs, "rows": rows, "range": [low, high]}


def fakes_per_code(model, per_category, rng):
    """(categories, images): `per_category` fakes for each value of the
    categorical code, z and the continuous codes drawn from `rng`."""
    categories = np.repeat(np.arange(model.num_categories), per_category)
    z = _noise(model, len(categories), rng)
    cont = rng.uniform(-1, 1, (len(categories), model.continuous_codes))
    return categories, _generate(model, _inputs(model, z, categories, cont))


def code_figures(model, per_category=1000, num_random=2000, seed=0, classifier=None):
    """{"cluster_accuracy", "mapping", "spearman"} for a trained InfoGAN."""
    classifier = classifier or load_classifier("mnist-cnn")
    rng = np.random.default_rng(seed)
    k = model.num_categories
    categories, images = fakes_per_code(model, per_category, rng)
    logits = classifier.predict_logits(images)
    read = logits.argmax(axis=1)
    # Every digit the classifier knows is a column, so each code value gets a
    # match even when G draws fewer digits than there are values (a collapse).
    accuracy, mapping = cluster_accuracy(categories, read, num_clusters=k,
                                         num_classes=logits.shape[1])
    shares = confusion_matrix(categories, read, k, logits.shape[1]) / per_category
    figures = {"cluster_accuracy": accuracy, "mapping": mapping,
               "images_per_category": per_category,
               "digits_per_code": {int(c): [[int(d), round(float(shares[c, d]), 3)]
                                            for d in np.argsort(-shares[c])[:3]]
                                   for c in range(k)}}
    if model.continuous_codes:
        z = _noise(model, num_random, rng)
        cont = rng.uniform(-1, 1, (num_random, model.continuous_codes))
        images = _generate(model, _inputs(model, z, rng.integers(0, k, num_random), cont))
        rho = code_moment_correlations(cont, images)
        figures["spearman"] = rho
        figures["best_moment"] = [
            max(((name, values[j]) for name, values in rho.items()),
                key=lambda item: abs(item[1]))
            for j in range(model.continuous_codes)]
        figures["sweep"] = sweep_correlations(model, seed=seed)
    return figures


def write_code_report(model, config, classifier=None):
    """Write the grids and report.json; returns the report dict."""
    out = Path(config.out) / "codes"
    rng = np.random.default_rng(config.seed)
    k, columns = model.num_categories, 10
    z = np.tile(_noise(model, columns, rng), (k, 1))
    categories = np.repeat(np.arange(k), columns)
    save_grid(out / "categorical.png", _generate(model, _inputs(model, z, categories)),
              rows=k, scale=2)
    sweep = np.linspace(-2, 2, columns)
    z = np.repeat(_noise(model, k, rng), columns, axis=0)
    for j in range(model.continuous_codes):
        cont = np.zeros((k * columns, model.continuous_codes), np.float32)
        cont[:, j] = np.tile(sweep, k)
        save_grid(out / f"continuous_{j}.png",
                  _generate(model, _inputs(model, z, categories, cont)), rows=k, scale=2)
    report = code_figures(model, seed=config.seed, classifier=classifier)
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    print(f"Code grids and report written to {out}: cluster accuracy "
          f"{report['cluster_accuracy']:.3f}"
          + "".join(f"; code {j}: {name} rho {rho:+.2f}"
                    for j, (name, rho) in enumerate(report.get("best_moment", [])))
          + ("" if "sweep" not in report else "; swept -2 to 2 (mean rho in a row): " + ", ".join(
              f"code {j} " + " ".join(f"{name} {values[j]:+.2f}"
                                      for name, values in report["sweep"]["mean"].items())
              for j in range(model.continuous_codes))))
    return report

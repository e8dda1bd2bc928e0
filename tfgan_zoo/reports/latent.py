"""Latent-space reports: DCGAN's (Radford et al. 2015, §6) interpolation,
class-mean and arithmetic grids under `RUN/latent/`, with
`RUN/latent/report.json`; and the truncation trick's grid of a
class-conditional generator (`write_truncation_grid`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tfgan_zoo.evaluation.classifiers import load_classifier
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid
from tfgan_zoo.latent import arithmetic, class_mean_latents, generate, interpolate


def write_latent_report(model, config, classify=None, equations=((9, 4, 1), (8, 3, 7), (6, 0, 1))):
    """Write interpolation, class-mean and arithmetic grids for a trained
    unconditional generator; returns the report dict."""
    out = Path(config.out) / "latent"
    rng = np.random.default_rng(config.seed)
    ends = rng.standard_normal((16, model.latent_dim)).astype("float32")
    walks = np.concatenate([interpolate(ends[i], ends[i + 8], 10) for i in range(8)])
    save_grid(out / "interpolation.png", generate(model, walks), rows=8, scale=2)
    report = {"interpolation": "8 rows, 10 slerp steps each"}
    if classify is None:
        classifier = load_classifier("mnist-cnn")

        def classify(images):
            logits = classifier.predict_logits(images)
            e = np.exp(logits - logits.max(1, keepdims=True))
            return e / e.sum(1, keepdims=True)
    means, counts = class_mean_latents(model, classify, seed=config.seed)
    report["samples_per_class"] = counts
    if means:
        classes = sorted(means)
        mean_images = generate(model, np.stack([means[c] for c in classes]))
        save_grid(out / "class_means.png", mean_images, rows=1, scale=2)
        report["class_means"] = {"classes": classes,
                                 "predicted": classify(mean_images).argmax(1).tolist()}
    rows, results = [], []
    for a, b, c in equations:
        if not all(k in means for k in (a, b, c)):
            continue
        z = np.stack([means[a], means[b], means[c], arithmetic(means, a, b, c)])
        images = generate(model, z)
        rows.append(images)
        results.append({"equation": f"mean[{a}] - mean[{b}] + mean[{c}]",
                        "predicted_class_of_result": int(classify(images[3:]).argmax())})
    if rows:
        save_grid(out / "arithmetic.png", np.concatenate(rows), rows=len(rows), scale=2)
    report["arithmetic"] = results
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    print(f"Latent-space grids written to {out}")
    return report


TRUNCATION_ROWS = (0.25, 0.5, 1.0, 1.5, 2.0, None)


def write_truncation_grid(model, config, rows=TRUNCATION_ROWS):
    """RUN/latent/truncation.png: one z per class (columns), each row at a
    truncation psi from `rows` (None: none), so the grid shows samples
    growing more typical and alike as psi shrinks (Brock et al. 2019, Fig. 2)."""
    classes = model.num_classes
    z = np.random.default_rng(config.seed).standard_normal(
        (classes, model.latent_dim)).astype("float32")
    labels = np.arange(classes, dtype="int32")
    images = [model.sample(classes, z=z, labels=labels,
                           **({} if psi is None else {"truncation": psi})) for psi in rows]
    path = Path(config.out) / "latent" / "truncation.png"
    save_grid(path, np.concatenate(images), rows=len(rows), scale=2)
    print(f"Truncation grid (rows: psi = {', '.join(str(r) for r in rows)}) written to {path}")
    return path

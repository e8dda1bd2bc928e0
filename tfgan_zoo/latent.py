"""Latent-space tools from Radford et al. 2015, §6: walking the latent space
and vector arithmetic on mean latents of samples that share an attribute.

For MNIST the attribute is the digit class, read off generated samples by a
classifier trained in the project (`mnist-cnn`), as Radford et al. labelled
their samples by hand. `write_latent_report` writes one grid per tool under
`RUN/latent/` and `RUN/latent/report.json`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tfgan_zoo.images import save_grid, write_atomic


def slerp(z0, z1, t):
    """Spherical interpolation: Gaussian latents live near a sphere, and the
    straight line between two of them passes through unlikely short vectors
    (White 2016, "Sampling Generative Networks")."""
    z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
    cos = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if omega < 1e-6:
        return (1 - t) * z0 + t * z1
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)


def interpolate(z0, z1, steps=10, spherical=True):
    """`steps` latents from z0 to z1 inclusive, shape [steps, latent_dim]."""
    ts = np.linspace(0.0, 1.0, steps)
    if spherical:
        return np.stack([slerp(z0, z1, t) for t in ts]).astype("float32")
    return np.stack([(1 - t) * z0 + t * z1 for t in ts]).astype("float32")


def generate(model, z, batch=256):
    """Images for latents z in batches (unconditional generators)."""
    return np.concatenate([model.sample(len(part), z=part)
                           for part in np.array_split(z, max(1, len(z) // batch))])


def class_mean_latents(model, classify, num_samples=2000, min_confidence=0.9,
                       seed=0):
    """Mean latent of the generated samples a classifier assigns to each class
    with at least `min_confidence`. Returns ({class: mean z}, {class: count}).

    A mean of Gaussian vectors is shorter than a typical sample, so each
    mean is rescaled to the typical norm sqrt(latent_dim) before decoding."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((num_samples, model.latent_dim)).astype("float32")
    probs = classify(generate(model, z))
    labels, confidence = probs.argmax(1), probs.max(1)
    means, counts = {}, {}
    for c in np.unique(labels):
        chosen = z[(labels == c) & (confidence >= min_confidence)]
        if len(chosen) == 0:
            continue
        mean = chosen.mean(0)
        means[int(c)] = mean / np.linalg.norm(mean) * np.sqrt(model.latent_dim)
        counts[int(c)] = int(len(chosen))
    return means, counts


def arithmetic(means, a, b, c):
    """mean[a] - mean[b] + mean[c] (Radford et al. Fig. 7's vector algebra)."""
    z = means[a] - means[b] + means[c]
    return (z / np.linalg.norm(z) * np.sqrt(len(z))).astype("float32")


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
        from tfgan_zoo.evaluation.classifiers import load_classifier
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

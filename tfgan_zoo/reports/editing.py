"""IcGAN's editing report (Perarnau et al. 2016 §4): on the held-out
mnist5k digits (`mnist5k:test`, 500, never trained on by the GAN, its
encoders or the judge), the reconstruction G(E_z(x), E_y(x)) against x
(SSIM) beside G(random z, E_y(x)), E_y's accuracy, and the label swap:
every digit redrawn as each of the 9 other classes, x' = G(E_z(x), y'),
read by the project's `mnist-cnn` (trained without those 500). Writes
`RUN/editing/report.json` and `RUN/editing/edits.png` (per row: x, its
reconstruction, then x redrawn as 0..9)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tfgan_zoo.evaluation.classifiers import load_classifier
from tfgan_zoo.evaluation.metrics import ssim
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid
from tfgan_zoo.reports.anomaly import held_out_digits


def edit_scores(model, images, labels, classify, seed=0):
    """Reconstruction SSIM (encoded and random z), E_y accuracy, the
    label-swap accuracy read by `classify` (images -> logits) and the
    correlation of ink mass between each digit and its edits."""
    n, k = len(images), model.num_classes
    predicted = model.encode_label(images).numpy()
    reconstruction = model.edit(images).numpy()
    random = model.sample(n, seed=seed, labels=predicted)  # z ~ N(0, I), seeded
    targets = np.concatenate([(labels + shift) % k for shift in range(1, k)])
    edited = np.concatenate([model.edit(images, t).numpy()
                             for t in np.split(targets, k - 1)])
    read = classify(edited).argmax(1)
    ink = lambda x: x.reshape(len(x), -1).mean(1)  # noqa: E731
    return {"queries": n,
            "reconstruction_ssim": float(ssim(reconstruction, images)),
            "random_z_ssim": float(ssim(random, images)),
            "label_encoder_accuracy": float(np.mean(predicted == labels)),
            "label_swap_accuracy": float(np.mean(read == targets)),
            "label_swap_edits": int(len(targets)),
            "ink_mass_correlation": float(np.corrcoef(
                np.tile(ink(images), k - 1), ink(edited))[0, 1])}


def write_editing_report(model, config, classifier="mnist-cnn"):
    """Score the held-out digits; write the report and the edit grid."""
    out = Path(config.out) / "editing"
    images, labels = held_out_digits()
    judge = load_classifier(classifier)
    report = {"classifier": classifier,
              **edit_scores(model, images, labels, judge.predict_logits, config.seed or 0)}
    rows = [np.stack([images[i], model.edit(images[i:i + 1]).numpy()[0],
                      *model.edit(np.repeat(images[i:i + 1], 10, 0), np.arange(10)).numpy()])
            for i in range(8)]
    save_grid(out / "edits.png", np.concatenate(rows), rows=8, scale=2)
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    return report

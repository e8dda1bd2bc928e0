"""AnoGAN's one-class report (Schlegl et al. 2017 §3): the trained model
scores every held-out mnist5k digit (`mnist5k:test`, 500, never trained
on) by the Gamma-step z search (AnoGAN) and by one encoder pass
(f-AnoGAN); the digits outside the run's `normal=` classes are the
anomalies. Writes `RUN/anomaly/report.json` (AUROC, EER, seconds per
query for both paths) and `RUN/anomaly/residuals.png` (rows: query,
G(z), residual |x - G(z)|, normals first, then anomalies)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from tfgan_zoo.data.digits import mnist5k_arrays, mnist5k_part, normal_classes
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation.anomaly import anomaly_labels, auroc, eer
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid


def held_out_digits():
    """mnist5k:test as (float32 [500, 28, 28, 1] in [-1, 1], int32 labels)."""
    x, y = mnist5k_arrays()
    index = mnist5k_part("test")
    return x[index].astype("float32") / 127.5 - 1.0, y[index]


def normal_of(dataset):
    """The normal classes of a one-class dataset name (`...:normal=0-8`)."""
    if ":normal=" not in (dataset or ""):
        raise UserError(f"dataset '{dataset}' is not a one-class split: train on e.g. "
                        "mnist5k:train:normal=0-8")
    return normal_classes(dataset.split(":normal=", 1)[1])


def score_one_class(model, images, labels, normal, batch=500):
    """AUROC, EER and seconds per query of both scoring paths (a dict)."""
    is_anomaly = anomaly_labels(labels, normal)
    report = {"normal": list(normal), "queries": int(len(images)),
              "anomalies": int(is_anomaly.sum()), "search_steps": model.search_steps}
    for name, method in (("anogan", "search"), ("f_anogan", "encoder")):
        start, parts = time.perf_counter(), []
        for i in range(0, len(images), batch):
            parts.append(model.anomaly_score(images[i:i + batch], method))
        seconds = time.perf_counter() - start
        scores = np.concatenate([p["score"].numpy() for p in parts])
        report[name] = {"auroc": auroc(is_anomaly, scores), "eer": eer(is_anomaly, scores),
                        "seconds_per_query": seconds / len(images)}
    report["speedup"] = (report["anogan"]["seconds_per_query"]
                         / report["f_anogan"]["seconds_per_query"])
    return report


def write_anomaly_report(model, config):
    """Score mnist5k:test with both paths; write the report and residuals."""
    out = Path(config.out) / "anomaly"
    images, labels = held_out_digits()
    report = score_one_class(model, images, labels, normal_of(config.dataset))
    pick = np.concatenate([np.flatnonzero(~anomaly_labels(labels, report["normal"]))[:8],
                           np.flatnonzero(anomaly_labels(labels, report["normal"]))[:8]])
    found = model.search(images[pick])
    save_grid(out / "residuals.png", np.concatenate(
        [images[pick], found["images"].numpy(),
         np.abs(images[pick] - found["images"].numpy()) - 1.0]), rows=3, scale=2)
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    return report

"""What the 3D-GAN recipe writes after training (RUN/volume/report.json,
samples.png, real.png): the checks of Wu et al. 2016 on the procedural
furniture, against the held-out `furniture:test` shapes (never trained on):

- a voxel classifier trained on `furniture:train` reads N samples: its mean
  max-prob (target >= 0.8) and the share of each of the 6 classes (target:
  each 10-25 %, a near-uniform mix); its accuracy on the held-out shapes is
  reported beside, so a weak classifier shows;
- coverage: the share of held-out shapes with a sample within IoU 0.5
  (target >= 0.5), and their mean best IoU, overall and per class;
- D's representation (paper §4.2): a linear SVM on D's max-pooled conv
  features, fitted on training shapes, classifies the held-out shapes
  (target >= 0.8)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tfgan_zoo.data import furniture
from tfgan_zoo.evaluation import volume
from tfgan_zoo.files import write_atomic
from tfgan_zoo.samples import voxel_projections
from tfgan_zoo.images import save_grid

TARGETS = {"mean_max_prob": 0.8, "class_share": (0.10, 0.25), "coverage": 0.5,
           "svm_accuracy": 0.8}


def _batched(fn, x, batch=100):
    return np.concatenate([np.asarray(fn(x[i:i + batch])) for i in range(0, len(x), batch)])


def report_samples(model, samples, seed):
    """The report's samples: `samples` grids drawn 100 at a time, batch i at seed + i."""
    return np.concatenate([model.sample(min(100, samples - i), seed=seed + i)
                           for i in range(0, samples, 100)])


def volume_report(model, samples=500, classifier_steps=300, svm_per_class=100, seed=0):
    """The checks as a dict (see the module docstring)."""
    size = model.image_shape[0]
    train, train_labels = furniture.generate(furniture.DEFAULT_COUNT["train"], size, "train")
    test, test_labels = furniture.generate(furniture.DEFAULT_COUNT["test"], size, "test")
    train, test = furniture.as_float(train), furniture.as_float(test)
    fake = report_samples(model, samples, seed)
    classes = len(furniture.CLASS_NAMES)
    classifier = volume.train_voxel_classifier(train, train_labels, classes,
                                               steps=classifier_steps, seed=seed)
    read = volume.classifier_scores(_batched(classifier.predict_on_batch, fake))
    held_out = float(np.mean(_batched(classifier.predict_on_batch, test).argmax(1)
                             == test_labels))
    covered, mean_iou = volume.coverage(test, fake)
    by_class = [volume.coverage(test[test_labels == c], fake) for c in range(classes)]
    features = model.features()
    svm_train = np.arange(len(train)) < svm_per_class * classes  # classes in turn
    svm = volume.svm_accuracy(_batched(features.predict_on_batch, train[svm_train]),
                              train_labels[svm_train],
                              _batched(features.predict_on_batch, test), test_labels)
    low, high = TARGETS["class_share"]
    report = {
        "samples": samples, "held_out_shapes": len(test),
        "classifier_held_out_accuracy": held_out, **read,
        "class_names": list(furniture.CLASS_NAMES),
        "coverage_iou_0.5": covered, "mean_best_iou": mean_iou,
        "coverage_by_class": [c for c, _ in by_class],
        "mean_best_iou_by_class": [iou for _, iou in by_class],
        "d_feature_svm_accuracy": svm,
        "occupied_share_samples": float(np.mean(fake > 0)),
        "occupied_share_real": float(np.mean(test > 0)),
        "targets": TARGETS,
    }
    report["passed"] = {
        "mean_max_prob": read["mean_max_prob"] >= TARGETS["mean_max_prob"],
        "class_mix": low <= read["min_class_share"] and read["max_class_share"] <= high,
        "coverage": covered >= TARGETS["coverage"],
        "svm_accuracy": svm >= TARGETS["svm_accuracy"]}
    return report, fake, test


def write_volume_report(model, config, samples=500):
    """Write RUN/volume/{report.json, samples.png, real.png}; returns the report."""
    out = Path(config.out) / "volume"
    report, fake, test = volume_report(model, samples, seed=config.seed)
    save_grid(out / "samples.png", voxel_projections(fake[:36]), rows=12, scale=2)
    save_grid(out / "real.png", voxel_projections(test[::5][:36]), rows=12, scale=2)
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    return report

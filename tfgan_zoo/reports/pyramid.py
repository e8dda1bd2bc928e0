"""LAPGAN's pyramid report (Denton et al. 2015, Fig. 3 and 4), under
`RUN/pyramid/`:

    levels.png    one row per class; columns coarse to fine: the coarsest
                  image I_K, then for each finer level the residual its
                  generator drew (h_k, grey = 0) and the image after adding
                  it (I_k = u(I_{k+1}) + h_k); all shown at full size
    report.json   class accuracy of 1,000 samples (100 per class) read by
                  mnist-cnn, which never saw mnist5k's held-out 500
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.evaluation.classifiers import load_classifier
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid


def _full_size(images, size):
    factor = size // images.shape[1]
    return np.repeat(np.repeat(images, factor, axis=1), factor, axis=2)


def write_pyramid_report(model, config, classifier=None, per_class=100):
    """Write levels.png and report.json; returns the report dict."""
    out = Path(config.out) / "pyramid"
    rng = np.random.default_rng(config.seed)
    classes = model.num_classes
    z = rng.standard_normal((classes, model.latent_dim)).astype("float32")
    labels = np.arange(classes, dtype="int32")
    levels = [level.numpy() for level in model.pyramid(tf.constant(z), tf.constant(labels))]
    size = model.image_shape[0]
    columns = np.stack([_full_size(level, size) for level in levels], axis=1)
    save_grid(out / "levels.png", columns.reshape(-1, *columns.shape[2:]),
              rows=classes, scale=2)
    classifier = classifier or load_classifier("mnist-cnn")
    labels = np.repeat(np.arange(classes, dtype="int32"), per_class)
    z = rng.standard_normal((len(labels), model.latent_dim)).astype("float32")
    images = np.concatenate([model.sample(500, z=z[i:i + 500], labels=labels[i:i + 500])
                             for i in range(0, len(labels), 500)])
    read = classifier.predict_logits(images).argmax(axis=1)
    report = {"class_accuracy": float(np.mean(read == labels)), "samples": len(labels),
              "classifier": "mnist-cnn",
              "levels_png_columns": ["I_K"] + [f"{name}_{s}" for s in model.sizes[1:]
                                               for name in ("h", "I")]}
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    print(f"Pyramid grid and report written to {out}: class accuracy "
          f"{report['class_accuracy']:.3f}")
    return report

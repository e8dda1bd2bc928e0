"""What the face-rotation recipes write after training: on the held-out
identities of `heads:test` (never seen in training), every view is
frontalised and compared with the true frontal render (SSIM), the
model's own D^p reads the requested pose of outputs turned to every bin,
and identity verification by the cosine of encoder features gives an
equal error rate (genuine pairs: two views of one head; impostors: views
of two heads)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tfgan_zoo.data import heads
from tfgan_zoo.evaluation.anomaly import eer
from tfgan_zoo.evaluation.metrics import ssim
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid


def verification_eer(features, identities):
    """EER of cosine-similarity verification over all pairs of rows."""
    f = features / np.maximum(np.linalg.norm(features, axis=1, keepdims=True), 1e-12)
    sim = f @ f.T
    upper = np.triu_indices(len(f), 1)
    different = identities[:, None] != identities[None, :]
    # An impostor pair is the "anomaly"; a low similarity is its score.
    return eer(different[upper], -sim[upper])


def write_rotation_report(model, config, identities=20):
    """Score held-out heads; write RUN/rotation/report.json and grid.png."""
    out = Path(config.out) / "rotation"
    size = model.image_shape[0]
    images, labels = heads.generate(identities, size, "test")
    ids, poses = heads.split_label(labels)
    x = images.astype(np.float32) / 127.5 - 1
    frontal = x[poses == heads.FRONTAL][ids]
    rotated = np.concatenate([model.edit(x[i:i + 256], heads.FRONTAL).numpy()
                              for i in range(0, len(x), 256)])
    turned = np.concatenate([model.edit(x[:64], p).numpy() for p in range(heads.NUM_POSES)])
    _, pose_logits = model.heads(turned)
    wanted = np.repeat(np.arange(heads.NUM_POSES), 64)
    report = {
        "identities": identities,
        "frontal_ssim": float(np.mean(ssim(rotated, frontal))),
        "frontal_ssim_input_baseline": float(np.mean(ssim(x, frontal))),
        "pose_accuracy_own_d": float(np.mean(np.argmax(pose_logits, -1) == wanted)),
        "verification_eer": verification_eer(np.concatenate(
            [model.encode(x[i:i + 256]).numpy() for i in range(0, len(x), 256)]), ids),
    }
    rows = np.concatenate([x[:heads.NUM_POSES * 4], rotated[:heads.NUM_POSES * 4]])
    save_grid(out / "grid.png", rows, rows=8, scale=2)
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    return report

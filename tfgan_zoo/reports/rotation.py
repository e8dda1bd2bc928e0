"""What the face-rotation recipes (DR-GAN, TP-GAN) write after training:
on the held-out identities of `heads:test` (never seen in training), every
view is frontalised (`model.frontalize(views, landmarks)`) and compared
with the true frontal render (SSIM), and two judges the project trains on
the training identities only (`tfgan_zoo.evaluation.classifiers`) read the
outputs: `heads-pose-cnn` reads the pose (frontal wanted; for models that
turn to any pose, DR-GAN, every bin), and `heads-id-cnn`'s features verify
identity by cosine, each frontalised output against the true frontals of
all held-out identities (genuine: the same head; EER). Models with an
identity encoder also report the EER of its features over all view pairs,
and DR-GAN the pose its own D^p reads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tfgan_zoo.data import heads
from tfgan_zoo.evaluation.anomaly import eer
from tfgan_zoo.evaluation.classifiers import load_classifier
from tfgan_zoo.evaluation.metrics import ssim
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid


def _unit(features):
    return features / np.maximum(np.linalg.norm(features, axis=1, keepdims=True), 1e-12)


def verification_eer(features, identities):
    """EER of cosine-similarity verification over all pairs of rows."""
    f = _unit(features)
    sim = f @ f.T
    upper = np.triu_indices(len(f), 1)
    different = identities[:, None] != identities[None, :]
    # An impostor pair is the "anomaly"; a low similarity is its score.
    return eer(different[upper], -sim[upper])


def cross_verification_eer(probe, probe_ids, gallery, gallery_ids):
    """EER of cosine verification of every probe row against every
    gallery row (genuine when the identities match)."""
    sim = _unit(probe) @ _unit(gallery).T
    different = probe_ids[:, None] != gallery_ids[None, :]
    return eer(different.ravel(), -sim.ravel())


def _batched(fn, *arrays, size=256):
    return np.concatenate([np.asarray(fn(*(a[i:i + size] for a in arrays)))
                           for i in range(0, len(arrays[0]), size)])


def write_rotation_report(model, config, identities=20):
    """Score held-out heads; write RUN/rotation/report.json and grid.png."""
    out = Path(config.out) / "rotation"
    size = model.image_shape[0]
    images, labels = heads.generate(identities, size, "test")
    ids, poses = heads.split_label(labels)
    x = images.astype(np.float32) / 127.5 - 1
    points = heads.landmarks(ids + heads.PARTS["test"], poses)
    frontal = x[poses == heads.FRONTAL][ids]
    rotated = _batched(lambda a, p: model.frontalize(a, p), x, points)
    pose_judge, id_judge = load_classifier("heads-pose-cnn"), load_classifier("heads-id-cnn")
    report = {
        "identities": identities,
        "frontal_ssim": float(np.mean(ssim(rotated, frontal))),
        "frontal_ssim_input_baseline": float(np.mean(ssim(x, frontal))),
        "frontal_pose_accuracy_judge": float(np.mean(
            pose_judge.predict_logits(rotated).argmax(1) == heads.FRONTAL)),
        "verification_eer_judge": cross_verification_eer(
            id_judge.features(rotated), ids, id_judge.features(frontal[poses == heads.FRONTAL]),
            ids[poses == heads.FRONTAL]),
        "verification_eer_judge_input_baseline": cross_verification_eer(
            id_judge.features(x), ids, id_judge.features(frontal[poses == heads.FRONTAL]),
            ids[poses == heads.FRONTAL]),
        "judges": [pose_judge.protocol(), id_judge.protocol()],
        "verification_eer": verification_eer(_batched(model.encode, x), ids),
    }
    if hasattr(model, "heads"):           # a model that turns faces to any pose
        turned = np.concatenate([model.edit(x[:64], p).numpy() for p in range(heads.NUM_POSES)])
        wanted = np.repeat(np.arange(heads.NUM_POSES), 64)
        report["pose_accuracy_own_d"] = float(np.mean(
            np.argmax(model.heads(turned)[1], -1) == wanted))
        report["pose_accuracy_judge"] = float(np.mean(
            pose_judge.predict_logits(turned).argmax(1) == wanted))
    rows = np.concatenate([x[:heads.NUM_POSES * 4], rotated[:heads.NUM_POSES * 4]])
    save_grid(out / "grid.png", rows, rows=8, scale=2)
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    return report

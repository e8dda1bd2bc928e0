"""What limits 3D-GAN's coverage check (`tfgan_zoo.reports.volume`): the
metric or the generator. The check counts a held-out shape of
furniture:test as matched when some sample, of any class, has IoU >= 0.5
with it (occupied = voxel > 0); a held-out shape's key proportion lies in
a band no training shape has (`tfgan_zoo.data.furniture`).

    python benchmarks/gan3d_coverage.py [RUN ...] [--num 500] [--step STEP]
                                        [--ideal-seeds 11,12,13] [--out FILE.json]

Prints one line per measurement:

- "ideal": coverage by --num shapes drawn afresh from the *training*
  distribution (furniture's train part at --ideal-seeds): what a G that had
  learnt the training shapes' distribution exactly would score, with no
  extrapolation into the held-out band: the ceiling the metric leaves;
- for each RUN (a `tfgan_zoo.recipes.gan3d` --out directory; its newest
  checkpoint, or --step): the report's --num samples (the same z) scored as
  the report scores them, per class; then the same samples with their
  isolated voxels (no occupied face neighbour) removed, which says how much
  of the miss is speckle; and each sample's fidelity, its best IoU with any
  training shape, by the class the report's classifier reads (the share of
  G's chairs within IoU 0.5 of some training chair says whether G's chairs
  are chairs of the training set, or near misses)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tfgan_zoo.data import furniture  # noqa: E402
from tfgan_zoo.evaluation import volume  # noqa: E402
from tfgan_zoo.reports.volume import report_samples  # noqa: E402

THRESHOLD = 0.5


def without_isolated(voxels):
    """Voxels in [-1, 1] with every occupied voxel that has no occupied face
    neighbour set to -1 (empty)."""
    voxels = np.asarray(voxels)
    occupied = voxels[..., 0] > 0
    padded = np.pad(occupied, [(0, 0), (1, 1), (1, 1), (1, 1)])
    inner = (slice(None), slice(1, -1), slice(1, -1), slice(1, -1))
    neighbours = np.zeros_like(occupied)
    for axis in (1, 2, 3):
        for shift in (-1, 1):
            neighbours |= np.roll(padded, shift, axis=axis)[inner]
    return np.where((occupied & ~neighbours)[..., None], -1.0, voxels).astype(np.float32)


def by_class(best, labels, classes):
    """{class name: share of `best` >= THRESHOLD among `labels` == class}."""
    return {name: (round(float(np.mean(best[labels == c] >= THRESHOLD)), 3)
                   if np.any(labels == c) else None)
            for c, name in enumerate(classes)}


def coverage_row(label, test, test_labels, fake):
    best = volume.best_iou(test, fake)
    return {"what": label, "coverage": round(float(np.mean(best >= THRESHOLD)), 3),
            "mean_best_iou": round(float(best.mean()), 3),
            "coverage_by_class": by_class(best, test_labels, furniture.CLASS_NAMES)}


def run_rows(run, step, num, test, test_labels, train, train_labels):
    """The rows of one run: the report's samples as scored, without isolated
    voxels, and their fidelity to the training shapes."""
    from tfgan_zoo.rundir.run import load_run
    model, config = load_run(run, step=step)
    fake = report_samples(model, num, config.seed)  # the report's z
    classifier = volume.train_voxel_classifier(train, train_labels,
                                               len(furniture.CLASS_NAMES), seed=config.seed)
    read = np.concatenate([np.asarray(classifier.predict_on_batch(fake[i:i + 100])).argmax(1)
                           for i in range(0, num, 100)])
    fidelity = volume.best_iou(fake, train)
    cleaned = without_isolated(fake)
    return [
        {"run": run, **coverage_row("samples (as the report)", test, test_labels, fake)},
        {"run": run, **coverage_row("samples without isolated voxels", test, test_labels,
                                    cleaned),
         "occupied_removed": round(float(np.mean(fake > 0) - np.mean(cleaned > 0)), 5)},
        {"run": run, "what": "fidelity: samples within IoU 0.5 of a training shape, by the "
                             "class the classifier reads",
         "all": round(float(np.mean(fidelity >= THRESHOLD)), 3),
         "mean_best_iou": round(float(fidelity.mean()), 3),
         "by_class": by_class(fidelity, read, furniture.CLASS_NAMES),
         "mean_best_iou_by_class": {name: round(float(fidelity[read == c].mean()), 3)
                                    for c, name in enumerate(furniture.CLASS_NAMES)
                                    if np.any(read == c)}},
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="*", help="gan3d run directories (their --out)")
    parser.add_argument("--num", type=int, default=500, help="samples (and ideal shapes)")
    parser.add_argument("--step", type=int, default=None, help="score this checkpoint")
    parser.add_argument("--ideal-seeds", default="11,12,13",
                        help="comma-separated seeds of the ideal draws ('' for none)")
    parser.add_argument("--size", type=int, default=furniture.DEFAULT_SIZE)
    parser.add_argument("--out", help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    test, test_labels = furniture.generate(furniture.DEFAULT_COUNT["test"], args.size, "test")
    train, train_labels = furniture.generate(furniture.DEFAULT_COUNT["train"], args.size,
                                             "train")
    test, train = furniture.as_float(test), furniture.as_float(train)
    rows = []
    per_class = -(-args.num // len(furniture.CLASS_NAMES))
    for seed in [int(s) for s in args.ideal_seeds.split(",") if s]:
        ideal, _ = furniture.generate.__wrapped__(per_class, args.size, "train", seed=seed)
        rows.append(coverage_row(f"ideal: {args.num} fresh training-distribution shapes, "
                                 f"seed {seed}", test, test_labels,
                                 furniture.as_float(ideal[:args.num])))
        print(json.dumps(rows[-1]), flush=True)
    for run in args.runs:
        for row in run_rows(run, args.step, args.num, test, test_labels, train, train_labels):
            rows.append(row)
            print(json.dumps(row), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()

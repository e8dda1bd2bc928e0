"""What limits 3D-GAN's coverage check (`tfgan_zoo.reports.volume`): the
metric or the generator. The check counts a held-out shape of
furniture:test as matched when some sample, of any class, has IoU >= 0.5
with it (occupied = voxel > 0); a held-out shape's key proportion lies in
a band no training shape has (`tfgan_zoo.data.furniture`).

    python benchmarks/gan3d_coverage.py [RUN ...] [--num 500] [--step STEP]
                                        [--ideal-seeds 11,12,13] [--out FILE.json]
                                        [--occupancy-thresholds P,P,...]

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
  are chairs of the training set, or near misses);
- with --occupancy-thresholds: the same samples occupied where G's
  occupancy p (the paper's sigmoid, (x + 1) / 2) exceeds each P instead of
  0.5, with and without isolated voxels, and the share of G's voxels that
  are undecided (0.25 < p < 0.75): whether a sharper or shifted output would
  meet more held-out shapes. The report and the export keep 0.5 (the
  paper's threshold); this is a measurement, not an option."""

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


def at_occupancy(voxels, p):
    """Voxels in [-1, 1] re-thresholded: 1 where G's occupancy (x + 1) / 2
    exceeds p, else -1 (p = 0.5 keeps the report's set of voxels)."""
    voxels = np.asarray(voxels)
    return np.where(voxels > 2 * p - 1, 1.0, -1.0).astype(np.float32)


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


def threshold_rows(run, fake, thresholds, test, test_labels):
    """Coverage of `fake` occupied at each G occupancy p in `thresholds`,
    then without isolated voxels too."""
    rows = []
    for p in thresholds:
        at = at_occupancy(fake, p)
        for label, voxels in ((f"occupied where p > {p}", at),
                              (f"occupied where p > {p}, without isolated voxels",
                               without_isolated(at))):
            rows.append({"run": run, **coverage_row(label, test, test_labels, voxels),
                         "occupied_share": round(float(np.mean(voxels > 0)), 5)})
    return rows


def run_rows(run, step, num, test, test_labels, train, train_labels, thresholds=()):
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
    p = (fake + 1) / 2
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
        {"run": run, "what": "G's occupancy p: share of voxels undecided (0.25 < p < 0.75), "
                             "occupied (p > 0.5)",
         "undecided": round(float(np.mean((p > 0.25) & (p < 0.75))), 5),
         "occupied": round(float(np.mean(p > 0.5)), 5)},
        *threshold_rows(run, fake, thresholds, test, test_labels),
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
    parser.add_argument("--occupancy-thresholds", default="",
                        help="comma-separated occupancy thresholds p in (0, 1) to score the "
                             "samples at besides the report's 0.5 ('' for none)")
    args = parser.parse_args(argv)
    thresholds = [float(p) for p in args.occupancy_thresholds.split(",") if p]
    if any(not 0 < p < 1 for p in thresholds):
        parser.error(f"--occupancy-thresholds must lie in (0, 1), got {args.occupancy_thresholds}")
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
        for row in run_rows(run, args.step, args.num, test, test_labels, train, train_labels,
                            thresholds):
            rows.append(row)
            print(json.dumps(row), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()

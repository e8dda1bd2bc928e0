"""What limits 3D-GAN's coverage check (`tfgan_zoo.reports.volume`): the
metric or the generator. The check counts a held-out shape of
furniture:test as matched when some sample, of any class, has IoU >= 0.5
with it (occupied = voxel > 0); a held-out shape's key proportion lies in
a band no training shape has (`tfgan_zoo.data.furniture`).

    python benchmarks/gan3d_coverage.py [RUN ...] [--num 500] [--step STEP]
                                        [--ideal-seeds 11,12,13] [--out FILE.json]
                                        [--occupancy-thresholds P,P,...]
                                        [--detail CLASS]

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
  paper's threshold); this is a measurement, not an option;
- with --detail CLASS (e.g. chair): why the held-out shapes of one class
  are or are not covered. (a) Each held-out CLASS shape's best IoU, as
  quantiles over those shapes, with the run's samples (all, and those read
  as CLASS), with all training shapes and the training CLASS shapes, with
  the first ideal draw, and with that draw moved one voxel along each axis
  (`moved`: how much a one-voxel misplacement of parts two voxels thick
  costs; moved down, a shape sinks into the floor, which also lowers a
  chair's seat by one).
  (b) Proportions (`proportions`: width and depth, the extents across and
  front to back; slab, the height of the lowest level holding at least
  half the fullest level's voxels, a chair's seat; top, the highest
  level) of the training, held-out and ideal CLASS shapes and of the
  samples read as CLASS: mean, spread and the slab heights' counts.
  (c) For each held-out CLASS shape, its nearest sample (best IoU): how far
  its proportions are, in voxels, and the share within one voxel on all
  four with that pair's IoU: same proportions but IoU < 0.5 is a miss of
  voxel placement (thin parts), far proportions a miss of shape. The ideal
  draw is scored the same way beside. (d) The samples read as CLASS: their
  best IoU with any training CLASS shape (how exactly G draws training
  chairs), as quantiles and the shares at 0.5 and 0.8."""

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


QUANTILES = (0, 10, 25, 50, 75, 90, 100)
# A slice counts towards an extent when it holds at least this share of the
# fullest slice's voxels, so that a stray voxel does not widen a shape.
EXTENT_SHARE = 0.05


def quantiles(values):
    """{"p0": ..., "p50": ..., "p100": ...} of `values`, rounded; None if empty."""
    values = np.asarray(values, np.float64)
    if not len(values):
        return None
    return {f"p{q}": round(float(v), 3) for q, v in zip(QUANTILES,
                                                     np.percentile(values, QUANTILES))}


def proportions(voxels):
    """{width, depth, slab, top}: int arrays [N] of voxel grids [N, S, S, S, 1]
    in [-1, 1] as furniture lays them out (axis 1 across, axis 2 down to the
    floor at its last index, axis 3 front to back). width and depth: the
    slices across and front to back holding at least EXTENT_SHARE of the
    fullest one's voxels; heights count levels from the floor (0): slab,
    the lowest level holding at least half the fullest level's voxels (a
    chair's seat, a table's top), top, the highest holding EXTENT_SHARE."""
    occupied = np.asarray(voxels)[..., 0] > 0
    levels = occupied.sum(axis=(1, 3))[:, ::-1]  # [N, height from the floor]

    def reaching(counts, share):
        return counts >= np.maximum(share * counts.max(axis=1, keepdims=True), 1)

    heights = np.arange(levels.shape[1])
    high = reaching(levels, EXTENT_SHARE)
    return {"width": reaching(occupied.sum(axis=(2, 3)), EXTENT_SHARE).sum(1),
            "depth": reaching(occupied.sum(axis=(1, 2)), EXTENT_SHARE).sum(1),
            "slab": np.argmax(reaching(levels, 0.5), axis=1),
            "top": np.where(high.any(1), np.max(np.where(high, heights, -1), axis=1), -1)}


def moved(voxels, axis):
    """Grids [N, S, S, S, 1] moved one voxel up `axis` (index i to i + 1),
    the face left behind empty (-1) and the voxels pushed out lost."""
    out = np.full_like(voxels, -1.0)
    to, source = [slice(None)] * 5, [slice(None)] * 5
    to[axis], source[axis] = slice(1, None), slice(None, -1)
    out[tuple(to)] = voxels[tuple(source)]
    return out


def best_match(real, fake):
    """(best IoU [N_real], index of the fake that gives it [N_real])."""
    r, f = volume.occupancy(real), volume.occupancy(fake)
    inter = r @ f.T
    iou = inter / np.maximum(r.sum(1)[:, None] + f.sum(1)[None, :] - inter, 1)
    return iou.max(1), iou.argmax(1)


def nearest_row(label, real, fake):
    """How far each held-out shape's nearest `fake` (best IoU) is in
    proportions, and whether a pair within one voxel on all of them reaches
    IoU 0.5."""
    if not len(fake):
        return {"what": label, "samples": 0}
    best, index = best_match(real, fake)
    own, theirs = proportions(real), proportions(fake[index])
    off = {name: np.abs(own[name] - theirs[name]) for name in own}
    close = np.all([d <= 1 for d in off.values()], axis=0)
    return {"what": label, "samples": len(fake),
            "median_abs_difference": {name: float(np.median(d)) for name, d in off.items()},
            "share_within_1_voxel_on_all": round(float(close.mean()), 3),
            "their_best_iou": quantiles(best[close]),
            "the_others_best_iou": quantiles(best[~close]),
            "covered": round(float(np.mean(best >= THRESHOLD)), 3)}


def proportion_row(label, voxels):
    sizes = proportions(voxels)
    return {"what": label, "shapes": len(voxels),
            **{name: {"mean": round(float(v.mean()), 2), "std": round(float(v.std()), 2)}
               for name, v in sizes.items() if name != "slab"},
            "slab_counts": {int(h): int(n) for h, n in
                            zip(*np.unique(sizes["slab"], return_counts=True))}} \
        if len(voxels) else {"what": label, "shapes": 0}


def detail_rows(name, fake, read, test, test_labels, train, train_labels, ideal,
                ideal_labels):
    """The rows of --detail `name` (see the module docstring), for one run's
    samples `fake` read as classes `read`, and the ideal draw."""
    c = furniture.CLASS_NAMES.index(name)
    held_out, mine = test[test_labels == c], fake[read == c]
    train_c, ideal_c = train[train_labels == c], ideal[ideal_labels == c]

    def best(label, shapes):
        iou = volume.best_iou(held_out, shapes) if len(shapes) else np.zeros(len(held_out))
        return {"what": f"held-out {name}s: best IoU with {label}", "shapes": len(shapes),
                "covered": round(float(np.mean(iou >= THRESHOLD)), 3),
                "best_iou": quantiles(iou)}

    rows = [best("the samples", fake), best(f"the samples read as {name}", mine),
            best("all training shapes", train), best(f"the training {name}s", train_c),
            best(f"the ideal draw's {name}s", ideal_c)]
    for axis, where in ((1, "across"), (2, "down (into the floor)"), (3, "front to back")):
        rows.append(best(f"the ideal draw's {name}s moved one voxel {where}",
                         moved(ideal_c, axis)))
    rows += [proportion_row(f"proportions: training {name}s", train_c),
             proportion_row(f"proportions: held-out {name}s", held_out),
             proportion_row(f"proportions: the ideal draw's {name}s", ideal_c),
             proportion_row(f"proportions: samples read as {name}", mine),
             nearest_row(f"held-out {name}s: their nearest sample", held_out, fake),
             nearest_row(f"held-out {name}s: their nearest ideal {name}", held_out, ideal_c)]
    fidelity = volume.best_iou(mine, train_c) if len(mine) else np.zeros(0)
    rows.append({"what": f"samples read as {name}: best IoU with a training {name}",
                 "samples": len(mine), "best_iou": quantiles(fidelity),
                 "share_at_0.5": round(float(np.mean(fidelity >= 0.5)), 3) if len(mine) else None,
                 "share_at_0.8": round(float(np.mean(fidelity >= 0.8)), 3) if len(mine) else None})
    return rows


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


def run_rows(run, step, num, test, test_labels, train, train_labels, thresholds=(),
             detail=None, ideal=None):
    """The rows of one run: the report's samples as scored, without isolated
    voxels, and their fidelity to the training shapes; with `detail` (a
    class name) and `ideal` ((voxels, labels)), `detail_rows`."""
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
        *({"run": run, **row} for row in (
            detail_rows(detail, fake, read, test, test_labels, train, train_labels, *ideal)
            if detail else ())),
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
    parser.add_argument("--detail", choices=furniture.CLASS_NAMES,
                        help="also say why the held-out shapes of this class are or are not "
                             "covered (needs an ideal seed)")
    args = parser.parse_args(argv)
    thresholds = [float(p) for p in args.occupancy_thresholds.split(",") if p]
    if any(not 0 < p < 1 for p in thresholds):
        parser.error(f"--occupancy-thresholds must lie in (0, 1), got {args.occupancy_thresholds}")
    ideal_seeds = [int(s) for s in args.ideal_seeds.split(",") if s]
    if args.detail and not ideal_seeds:
        parser.error("--detail compares with the ideal draw: give --ideal-seeds")
    test, test_labels = furniture.generate(furniture.DEFAULT_COUNT["test"], args.size, "test")
    train, train_labels = furniture.generate(furniture.DEFAULT_COUNT["train"], args.size,
                                             "train")
    test, train = furniture.as_float(test), furniture.as_float(train)
    rows = []
    per_class = -(-args.num // len(furniture.CLASS_NAMES))
    draws = []
    for seed in ideal_seeds:
        ideal, ideal_labels = furniture.generate.__wrapped__(per_class, args.size, "train",
                                                             seed=seed)
        draws.append((furniture.as_float(ideal[:args.num]), ideal_labels[:args.num]))
        rows.append(coverage_row(f"ideal: {args.num} fresh training-distribution shapes, "
                                 f"seed {seed}", test, test_labels, draws[-1][0]))
        print(json.dumps(rows[-1]), flush=True)
    for run in args.runs:
        for row in run_rows(run, args.step, args.num, test, test_labels, train, train_labels,
                            thresholds, args.detail, draws[0] if draws else None):
            rows.append(row)
            print(json.dumps(row), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()

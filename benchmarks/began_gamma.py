"""BEGAN's diversity ratio: gamma = 0.3 against gamma = 0.7 at equal steps,
and the convergence measure of each run.

    python benchmarks/began_gamma.py --out runs/began-gamma [--gammas 0.3,0.7]
        [--dataset mnist5k:train | cartoon_faces] [--steps N] [--seed S]
        [--pull-away-weight W] [--set d_lr=1e-4 --set log_every=10 ...]

Trains the `began` recipe (its defaults, only --gamma changed, plus
`--dataset` and any `--set KEY=VALUE` overrides, the same for every gamma)
once per gamma, one run after the other, and reads `--num-samples` samples
of each (Berthelot et al. §4.1 expect higher gamma -> more diversity ->
higher recall). The reading follows the dataset:

- digits (mnist5k): `python -m tfgan_zoo.evaluate`'s precision / recall
  (Inception pool3, k=3; in mnist-cnn's features with --mnist-cnn-pr) and
  fd[mnist-cnn], and mnist-cnn's share of each digit and the rarest one;
- cartoon faces (cartoon_faces, the paper's domain's stand-in): precision /
  recall (k=3) in the cartoon-faces tag classifier's features against as
  many of the run's training faces, the number of (hair colour, eye colour)
  pairs G draws as that classifier reads them, out of the pairs it reads
  on the real faces (a pair counts from 1 % of the samples), the commonest
  pair's share, and Inception precision / recall on `--inception-samples`
  samples (0: skip it, to save CPU).

From the run's TensorBoard log it reads M_global (the logged value is the
mean over the steps of its 100-step epoch so far) at 10 % of the steps and
at the end. `--pull-away-weight W` trains every run with EBGAN's
pulling-away term on G's codes (the model's project option, off by
default). Prints one JSON object per run (also written to
OUT/gamma-G/benchmark.json) and a markdown table.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from _budget_runs import evaluate_run, scalar_series, train_recipe

from tfgan_zoo.files import write_atomic

METRICS = "pr,fd[mnist-cnn]"
FAST_METRICS = "pr[mnist-cnn],fd[mnist-cnn]"
# The sources this script has a reader for (the part before any ":").
READERS = {"mnist5k": "digits", "cartoon_faces": "faces"}
# A colour pair counts as drawn from this share of the samples on: one
# misread face in a thousand is not a pair G draws.
MIN_PAIR_SHARE = 0.01


def reader_of(dataset):
    """'digits' or 'faces': how the runs on `dataset` are read."""
    source = str(dataset).split(":")[0]
    if source not in READERS:
        raise ValueError(f"no reader for dataset {dataset!r}: began_gamma.py reads "
                         + " and ".join(f"{name} ({kind})" for name, kind in READERS.items()))
    return READERS[source]


def m_global_at(run_dir, fraction, steps):
    series = scalar_series(run_dir, "m_global")
    target = fraction * steps
    return min(series, key=lambda item: abs(item[0] - target))


def digit_shares(run_dir, num=1000):
    """How mnist-cnn reads `num` samples of the run: each digit's share."""
    import numpy as np

    from tfgan_zoo.evaluation.classifiers import load_classifier
    from tfgan_zoo.rundir.run import load_run

    model, _ = load_run(run_dir)
    read = load_classifier("mnist-cnn").predict_logits(model.sample(num)).argmax(1)
    return [round(float(x), 3) for x in np.bincount(read, minlength=10) / num]


def colour_pairs(tags, min_share=MIN_PAIR_SHARE):
    """The (hair colour, eye colour) pairs that are at least `min_share` of
    tag vectors [N, 14] (cartoon_faces' layout), as a {(hair, eye): share}
    dict of tag names."""
    import numpy as np

    from tfgan_zoo.data import cartoon_faces as faces

    (hair_start, hair_stop), (eye_start, eye_stop) = faces.group_slices()[:2]
    tags = np.asarray(tags)
    hair = tags[:, hair_start:hair_stop].argmax(1)
    eye = tags[:, eye_start:eye_stop].argmax(1)
    eyes = eye_stop - eye_start
    shares = np.bincount(hair * eyes + eye, minlength=(hair_stop - hair_start) * eyes) / len(tags)
    return {(faces.TAGS[hair_start + i // eyes], faces.TAGS[eye_start + i % eyes]):
            round(float(shares[i]), 4) for i in np.flatnonzero(shares >= min_share)}


def face_reading(classifier, real, fake):
    """Fake faces against real ones (both [N, H, W, 3] in [-1, 1]) in the
    tag classifier's eyes: precision / recall (k=3) in its 128-d features,
    and the colour pairs it reads on each side."""
    from tfgan_zoo.evaluation import metrics
    from tfgan_zoo.evaluation.tags import read_tags, tag_features

    precision, recall = metrics.precision_recall(tag_features(classifier, real),
                                                 tag_features(classifier, fake), 3)
    real_pairs = colour_pairs(read_tags(classifier, real))
    fake_pairs = colour_pairs(read_tags(classifier, fake))
    top = max(fake_pairs.items(), key=lambda item: item[1], default=(None, 0.0))
    return {"precision[tags]": precision, "recall[tags]": recall,
            "pairs": len(fake_pairs.keys() & real_pairs.keys()), "pairs_real": len(real_pairs),
            "pairs_not_in_real": len(fake_pairs.keys() - real_pairs.keys()),
            "top_pair": [" / ".join(top[0]) if top[0] else None, top[1]]}


def read_faces(run_dir, num=1000):
    """`face_reading` of `num` samples of the run against as many faces of
    its training data (the cartoon-faces tag classifier, trained on first use)."""
    from tfgan_zoo.data import sample_real_images
    from tfgan_zoo.evaluation.tags import cached_tag_classifier
    from tfgan_zoo.rundir.run import load_run

    model, config = load_run(run_dir)
    size = model.image_shape[0]
    real, _ = sample_real_images(config.dataset, num, size, 3)
    return face_reading(cached_tag_classifier(size), real, model.sample(num))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="runs/began-gamma")
    parser.add_argument("--gammas", default="0.3,0.7")
    parser.add_argument("--dataset", default=None,
                        help="the runs' --dataset (default: the recipe's); read as digits "
                             "(mnist5k) or as faces (cartoon_faces)")
    parser.add_argument("--steps", type=int, default=None, help="default: the recipe's")
    parser.add_argument("--seed", type=int, default=0, help="the runs' --seed")
    parser.add_argument("--pull-away-weight", type=float, default=0.0,
                        help="EBGAN's pulling-away term on G's codes (0: the paper's BEGAN)")
    parser.add_argument("--num-samples", type=int, default=1000)
    parser.add_argument("--mnist-cnn-pr", action="store_true",
                        help="digits: precision / recall in mnist-cnn's features instead of "
                             "Inception pool3 (about 10x faster on a CPU)")
    parser.add_argument("--inception-samples", type=int, default=None,
                        help="faces: samples for Inception precision / recall (default: "
                             "--num-samples; 0: skip it)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a recipe field or model argument for every run, e.g. d_lr=1e-4")
    args = parser.parse_args(argv)
    if args.dataset is None:
        from tfgan_zoo.recipes import get_recipe

        args.dataset = get_recipe("began").RECIPE.dataset
    try:
        args.reader = reader_of(args.dataset)
    except ValueError as error:
        parser.error(str(error))
    if args.mnist_cnn_pr and args.reader != "digits":
        parser.error(f"--mnist-cnn-pr reads digits; {args.dataset} is read as faces")
    if args.inception_samples is not None and args.reader != "faces":
        parser.error("--inception-samples is for faces; digits take --num-samples")
    if args.inception_samples is None:
        args.inception_samples = args.num_samples
    if args.num_samples < 1 or args.inception_samples < 0:
        parser.error("--num-samples must be >= 1 and --inception-samples >= 0")
    args.extra = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--set needs KEY=VALUE, got {item!r}: e.g. --set d_lr=1e-4")
        for kind in (int, float, str):  # log_every=10 stays an int, d_lr=1e-4 a float
            try:
                args.extra[key] = kind(value)
                break
            except ValueError:
                continue
    if "dataset" in args.extra:
        parser.error("pass the dataset as --dataset, not --set dataset=...")
    return args


def read_run(out, args):
    """The readings of one trained run, by the dataset's reader."""
    if args.reader == "digits":
        return {"metrics": evaluate_run(out, FAST_METRICS if args.mnist_cnn_pr else METRICS,
                                        args.num_samples),
                "digit_shares": digit_shares(out)}
    reading = {"metrics": read_faces(out, args.num_samples)}
    if args.inception_samples:
        reading["metrics"].update(evaluate_run(out, "pr", args.inception_samples))
    return reading


def digit_row(r, suffix):
    m, shares = r["metrics"], r["digit_shares"]
    top = max(range(10), key=shares.__getitem__)
    rare = min(range(10), key=shares.__getitem__)
    return (f"{m['precision' + suffix]:.3f} | {m['recall' + suffix]:.3f} | "
            f"{m['fd[mnist-cnn]']:.1f} | {top} ({shares[top]:.0%}) | "
            f"{rare} ({shares[rare]:.1%}) | {sum(s >= 0.05 for s in shares)}")


def face_row(r):
    m = r["metrics"]
    inception = (f"{m['precision']:.3f} | {m['recall']:.3f}" if "recall" in m else "– | –")
    top, share = m["top_pair"]
    return (f"{m['precision[tags]']:.3f} | {m['recall[tags]']:.3f} | {inception} | "
            f"{m['pairs']} of {m['pairs_real']} (+{m['pairs_not_in_real']}) | "
            f"{top} ({share:.0%})")


def main(argv=None):
    args = parse_args(argv)
    results = []
    for gamma in [float(g) for g in args.gammas.split(",")]:
        out = Path(args.out) / f"gamma-{gamma:g}"
        overrides = {**args.extra, "dataset": args.dataset, "gamma": gamma, "seed": args.seed,
                     "pull_away_weight": args.pull_away_weight,
                     **({"steps": args.steps} if args.steps else {})}
        run = train_recipe("began", out, **overrides)
        run.update(read_run(out, args))
        run["m_global_10pct"] = m_global_at(out, 0.1, run["steps"])
        run["m_global_end"] = m_global_at(out, 1.0, run["steps"])
        run["k_end"] = scalar_series(out, "k")[-1]
        if args.pull_away_weight:
            run["pull_away_end"] = scalar_series(out, "pull_away")[-1]
        write_atomic(out / "benchmark.json", json.dumps(run, indent=1).encode())
        print(json.dumps(run))
        results.append(run)
    if args.reader == "digits":
        suffix = "[mnist-cnn]" if args.mnist_cnn_pr else ""
        columns = (f"precision{suffix} | recall{suffix} | fd[mnist-cnn] | top digit | rarest "
                   "| digits >= 5 %")
    else:
        columns = ("precision[tags] | recall[tags] | precision | recall "
                   "| (hair, eye) pairs drawn (+ not in the data) | top pair")
    print(f"| gamma | PT weight | seed | steps | {columns} | M_global at 10 % | at end "
          "| k at end | CPU s |")
    print("|---" * (9 + columns.count("|")) + "|")
    for r in results:
        o = r["overrides"]
        row = digit_row(r, suffix) if args.reader == "digits" else face_row(r)
        print(f"| {o['gamma']:g} | {o['pull_away_weight']:g} | {o['seed']} | {r['steps']} | "
              f"{row} | {r['m_global_10pct'][1]:.4f} (step {r['m_global_10pct'][0]}) | "
              f"{r['m_global_end'][1]:.4f} | {r['k_end'][1]:.4f} | {r['cpu_seconds']:.0f} |")


if __name__ == "__main__":
    main()

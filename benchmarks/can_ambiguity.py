"""CAN's style ambiguity against its lambda = 0 baseline, as a markdown table.

    python benchmarks/can_ambiguity.py --out runs/bench-can [--steps 2000]
        [--dataset fashion_mnist_local] [--reader fashion-cnn] [--seeds 0,1]
        [--softmax] [--weight 0.5 ...] [--style-after 0.5 ...] [--flags "..."]
        [--blends]

Trains the `can` recipe (lambda = 1, the paper's K binary cross-entropies)
and the same with `--style-weight 0` (a DCGAN whose discriminator also
classifies the styles) on `--dataset`, whose classes are the styles, once
per seed of `--seeds` in OUT/seedS/ARM, or reuses finished runs there;
optionally (`--softmax`) the softmax variant, (`--weight`) other lambdas
and (`--style-after`) lambda = 1 switched on after that fraction of the
run; `--flags` passes recipe flags to every run, the baseline included;
`--blends` also scores pixel means of 2 and 3 random training images (no
training: what plain mixtures of real styles read).

Each run's 1,000 samples are read by `--reader`, a classifier of the
dataset's classes that is not the discriminator (default: mnist-cnn on
mnist5k, fashion-cnn on fashion_mnist_local): the mean normalised entropy
H / ln K of its posterior and the fraction of samples whose top class has
p < 0.5 (style ambiguity); the Fréchet distance on its features against
4,500 training images (realism); and the mean distance from each sample
to its nearest training image in those features (novelty). With another
reader, fd[mnist-cnn] is read too, the letter of issue #20's realism check.
Each figure is also given against the lambda = 0 baseline of the same seed
(entropy as a difference, fd as a ratio), and then per arm over the seeds:
issue #20 asks for entropy +0.2 and fd[mnist-cnn] at most 1.5x.
"""

import json
from pathlib import Path

import numpy as np

from _runs import arguments, step_flags, train_recipe

from tfgan_zoo.files import write_atomic

BASELINE = "lambda = 0 (baseline)"
READERS = {"mnist5k": "mnist-cnn", "fashion_mnist_local": "fashion-cnn"}
# Issue #20's checks: entropy at least this far above lambda = 0's, and fd
# at most this many times lambda = 0's.
ENTROPY_MARGIN, FD_RATIO = 0.2, 1.5


def seed_list(text):
    """--seeds "0,1" -> [0, 1]; a one-line error for anything else."""
    seeds = []
    for part in text.split(","):
        try:
            seed = int(part)
        except ValueError:
            raise ValueError(f"'{part}' is not an integer: pass e.g. --seeds 0,1") from None
        if seed in seeds:
            raise ValueError(f"seed {seed} given twice")
        seeds.append(seed)
    return seeds


def parse_args(argv=None):
    parser = arguments(__doc__, "runs/bench-can", 1000)
    parser.add_argument("--dataset", default="mnist5k:train",
                        help="the labelled dataset every run trains on, whose classes are "
                             "the styles, and the real side of fd (default: mnist5k:train)")
    parser.add_argument("--reader", default=None,
                        help="classifier that reads the samples' styles and gives fd's "
                             "features (default: mnist-cnn on mnist5k, fashion-cnn on "
                             "fashion_mnist_local)")
    parser.add_argument("--seeds", default="0",
                        help="comma-separated training seeds, each arm once per seed "
                             "(default: 0)")
    parser.add_argument("--softmax", action="store_true",
                        help="also train the softmax variant of the ambiguity")
    parser.add_argument("--weight", type=float, action="append", default=[],
                        help="also train with this lambda (repeatable)")
    parser.add_argument("--style-after", type=float, action="append", default=[],
                        help="also train lambda = 1 with the term off for this fraction "
                             "of the run (repeatable)")
    parser.add_argument("--flags", default="",
                        help='recipe flags for every run, e.g. "--ema-decay 0.995"')
    parser.add_argument("--blends", action="store_true",
                        help="also score pixel means of 2 and 3 random training images")
    args = parser.parse_args(argv)
    try:
        args.seeds = seed_list(args.seeds)
    except ValueError as e:
        parser.error(f"--seeds: {e}")
    for flag, own in (("--seed", "--seeds"), ("--dataset", "--dataset")):
        if flag in args.flags.split():
            parser.error(f"--flags: give {flag} with this script's {own}, which also "
                         "names the runs' folders and the real side")
    if args.reader is None:
        args.reader = READERS.get(args.dataset.split(":")[0])
        if args.reader is None:
            parser.error(f"--reader: no default classifier for --dataset {args.dataset}; "
                         f"pass one of {', '.join(classifier_names())}")
    elif args.reader not in classifier_names():
        parser.error(f"--reader: unknown '{args.reader}'; choose from "
                     f"{', '.join(classifier_names())}")
    return args


def classifier_names():
    from tfgan_zoo.evaluation.classifiers import CLASSIFIERS
    return sorted(CLASSIFIERS)


def arms(args):
    """{title: (folder, recipe flags)} of the runs each seed trains."""
    runs = {"lambda = 1 (binary, the paper's)": ("binary", []),
            BASELINE: ("baseline", ["--style-weight", 0])}
    if args.softmax:
        runs["lambda = 1 (softmax variant)"] = ("softmax", ["--ambiguity", "softmax"])
    for weight in args.weight:
        runs[f"lambda = {weight:g} (binary)"] = (f"lambda{weight:g}", ["--style-weight", weight])
    for after in args.style_after:
        runs[f"lambda = 1 after {after:g} of the run (binary)"] = (
            f"after{after:g}", ["--style-after", after])
    return runs


def readers(args):
    """The reader, then mnist-cnn where it is another (the issue's letter)."""
    return [args.reader] + ([] if args.reader == "mnist-cnn" else ["mnist-cnn"])


class Reader:
    """One classifier's view of the real side: its features of 4,500
    training images of the dataset (real seed 0)."""

    def __init__(self, name, dataset):
        from tfgan_zoo.data import sample_real_images
        from tfgan_zoo.evaluation.classifiers import load_classifier
        self.name, self.clf = name, load_classifier(name)
        self.real = sample_real_images(dataset, 4500, seed=0)[0]
        self.real_f = self.clf.features(self.real)

    def score(self, images, nearest=True):
        from tfgan_zoo.evaluation import metrics as M
        feats = self.clf.features(images)
        entropy, unsure = M.class_entropy(self.clf.predict_logits(images))
        r = {"entropy": entropy, "max_p_below_half": unsure,
             "fd": M.fid_from_features(self.real_f, feats)}
        if nearest:
            # The k-NN metrics' blockwise distances: no [N, 4,500, 128] temporary.
            r["nearest_train"] = float(np.concatenate(
                [d.min(1) for _, d in M._distance_blocks(feats, self.real_f)]).mean())
        return r


def score_run(run_dir, reader, num):
    """A run's scores by `reader`, kept beside it (same samples, same
    reader), so adding a run to OUT does not score the others again; named
    by the reader and the run's last step, so a run trained further is
    scored afresh."""
    from tfgan_zoo.rundir.checkpoint import CheckpointDir
    from tfgan_zoo.rundir.run import load_run
    step = CheckpointDir(run_dir / "checkpoints").latest()
    saved = run_dir / f"ambiguity-{reader.name}-{num}-step{step}.json"
    if saved.is_file():
        return json.loads(saved.read_text())
    model, _ = load_run(run_dir)
    r = reader.score(model.sample(num, seed=1))
    write_atomic(saved, json.dumps(r, indent=2).encode())
    return r


def against_baseline(scores, reader_names):
    """scores {seed: {title: {reader: {...}}}} -> the same with, for each
    reader, `entropy_gain` (entropy minus the same seed's baseline's) and
    `fd_ratio` (fd over the same seed's baseline's) added."""
    out = {}
    for seed, by_title in scores.items():
        base = by_title[BASELINE]
        out[seed] = {title: {name: {**r[name],
                                    "entropy_gain": r[name]["entropy"]
                                    - base[name]["entropy"],
                                    "fd_ratio": r[name]["fd"] / base[name]["fd"]}
                             for name in reader_names}
                     for title, r in by_title.items()}
    return out


def over_seeds(compared, reader_names):
    """{title: {reader: {"entropy_gain"|"fd_ratio": (mean, min, max)}, "met": bool}}:
    each arm's figures over the seeds, and whether issue #20's two checks
    (entropy by the first reader, fd by each reader) hold on every seed."""
    titles = next(iter(compared.values())).keys()
    summary = {}
    for title in titles:
        rows = [compared[seed][title] for seed in compared]
        arm = {}
        for name in reader_names:
            arm[name] = {key: (float(np.mean(v)), float(min(v)), float(max(v)))
                         for key in ("entropy_gain", "fd_ratio")
                         for v in [[row[name][key] for row in rows]]}
        first = reader_names[0]
        arm["met"] = all(row[first]["entropy_gain"] >= ENTROPY_MARGIN
                         and all(row[n]["fd_ratio"] <= FD_RATIO for n in reader_names)
                         for row in rows)
        summary[title] = arm
    return summary


def print_tables(args, compared, summary, timings):
    first, names = args.reader, readers(args)
    other = [n for n in names if n != first]
    print(f"\n{args.num} samples (z seed 1) read by {first}"
          + "".join(f" and {n} (fd only)" for n in other)
          + f"; real side {args.dataset} (4,500, real seed 0)\n")
    print(f"| seed | run | H / ln K [{first}] | over λ = 0 | max p < 0.5 | fd[{first}] | ratio "
          + "".join(f"| fd[{n}] | ratio " for n in other)
          + "| nearest-train distance | CPU | wall (load) |")
    print("|---" * (9 + 2 * len(other)) + "|")
    for seed, by_title in compared.items():
        for title, r in by_title.items():
            t, a = timings[seed, title], r[first]
            print(f"| {seed} | {title} | {a['entropy']:.3f} | {a['entropy_gain']:+.3f} "
                  f"| {a['max_p_below_half']:.3f} | {a['fd']:.2f} | {a['fd_ratio']:.2f}× "
                  + "".join(f"| {r[n]['fd']:.2f} | {r[n]['fd_ratio']:.2f}× " for n in other)
                  + f"| {a['nearest_train']:.2f} | {t['cpu_s'] / 60:.1f} min "
                  f"| {t['wall_s'] / 60:.1f} min ({t['load'][0]} / {t['load'][1]}) |")
    print(f"\nOver seeds {', '.join(map(str, compared))}: mean (min–max); issue #20 asks "
          f"entropy ≥ +{ENTROPY_MARGIN} and fd ≤ {FD_RATIO}× on every seed.\n")
    print(f"| run | H / ln K over λ = 0 [{first}] | fd ratio [{first}] "
          + "".join(f"| fd ratio [{n}] " for n in other) + "| both checks |")
    print("|---" * (4 + len(other)) + "|")
    span = lambda m: f"{m[0]:.3f} ({m[1]:.3f}–{m[2]:.3f})"  # noqa: E731
    for title, arm in summary.items():
        if title == BASELINE:
            continue
        print(f"| {title} | {span(arm[first]['entropy_gain'])} "
              + "".join(f"| {span(arm[n]['fd_ratio'])} " for n in names)
              + f"| {'met' if arm['met'] else 'not met'} |")


def main(argv=None):
    args = parse_args(argv)
    out, runs, names = Path(args.out), arms(args), readers(args)
    timings = {(seed, title): train_recipe(
                   "can", out / f"seed{seed}" / folder, *step_flags(args),
                   "--dataset", args.dataset, "--seed", seed, *args.flags.split(), *flags)
               for seed in args.seeds for title, (folder, flags) in runs.items()}
    by_reader = {name: Reader(name, args.dataset) for name in names}
    scores = {seed: {title: {name: score_run(out / f"seed{seed}" / folder, reader, args.num)
                             for name, reader in by_reader.items()}
                     for title, (folder, _) in runs.items()}
              for seed in args.seeds}
    compared = against_baseline(scores, names)
    summary = over_seeds(compared, names)
    print_tables(args, compared, summary, timings)
    results = {"dataset": args.dataset, "readers": names,
               "timing": {f"seed{seed} {title}": t for (seed, title), t in timings.items()},
               "runs": {f"seed{seed}": v for seed, v in compared.items()},
               "over_seeds": summary}
    reader = by_reader[args.reader]
    if args.blends:
        rng = np.random.default_rng(0)
        for k in (2, 3):
            images = np.asarray(reader.real)[rng.integers(0, len(reader.real),
                                                          (args.num, k))].mean(1)
            r = results[f"blend{k}"] = {n: by_reader[n].score(images, nearest=False)
                                        for n in names}
            print(f"\nPixel mean of {k} random training images: H / ln K "
                  f"{r[args.reader]['entropy']:.3f}, max p < 0.5 "
                  f"{r[args.reader]['max_p_below_half']:.3f}, "
                  + ", ".join(f"fd[{n}] {r[n]['fd']:.2f}" for n in names) + ".")
    from tfgan_zoo.evaluation import metrics as M
    results["real_entropy"] = M.class_entropy(reader.clf.predict_logits(reader.real))[0]
    results["reader_heldout_accuracy"] = reader.clf.accuracy
    print(f"\nReal training images: H / ln K {results['real_entropy']:.3f} "
          f"({args.reader}, held-out accuracy {reader.clf.accuracy:.4f}).")
    write_atomic(out / "results.json", json.dumps(results, indent=2).encode())
    return results


if __name__ == "__main__":
    main()

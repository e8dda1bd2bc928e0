"""CAN's style ambiguity against its lambda = 0 baseline, as a markdown table.

    python benchmarks/can_ambiguity.py --out runs/bench-can [--steps 2000]
        [--softmax] [--weight 0.5 ...] [--style-after 0.5 ...] [--flags "..."]

Trains the `can` recipe (lambda = 1, the paper's K binary cross-entropies)
and the same with `--style-weight 0` (a DCGAN whose discriminator also
classifies the styles), or reuses finished runs in OUT; optionally
(`--softmax`) the softmax variant, (`--weight`) other lambdas and
(`--style-after`) lambda = 1 switched on after that fraction of the run;
`--flags` passes recipe flags to every run, the baseline included;
`--blends` also scores pixel means of 2 and 3 random training digits (no
training: what plain mixtures of real styles read). For
each: 1,000 samples read by the
held-out-trained `mnist-cnn`: mean normalised entropy H / ln K of its
posterior and the fraction of samples whose top class has p < 0.5 (style
ambiguity, measured by a network that is not the discriminator); the
Fréchet distance on its features against the 4,500 digits of mnist5k:train
(realism); and the mean distance from each sample to its nearest training
digit in those features (novelty).
"""

import json
from pathlib import Path

import numpy as np

from _runs import arguments, step_flags, train_recipe


def main():
    parser = arguments(__doc__, "runs/bench-can", 1000)
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
                        help="also score pixel means of 2 and 3 random training digits")
    args = parser.parse_args()

    out = Path(args.out)
    steps = step_flags(args)
    runs = {"lambda = 1 (binary, the paper's)": ("binary", []),
            "lambda = 0 (baseline)": ("baseline", ["--style-weight", 0])}
    if args.softmax:
        runs["lambda = 1 (softmax variant)"] = ("softmax", ["--ambiguity", "softmax"])
    for weight in args.weight:
        runs[f"lambda = {weight:g} (binary)"] = (f"lambda{weight:g}", ["--style-weight", weight])
    for after in args.style_after:
        runs[f"lambda = 1 after {after:g} of the run (binary)"] = (
            f"after{after:g}", ["--style-after", after])
    timings = {title: train_recipe("can", out / folder, *steps, *args.flags.split(), *flags)
               for title, (folder, flags) in runs.items()}

    from tfgan_zoo.data import sample_real_images
    from tfgan_zoo.evaluation import metrics as M
    from tfgan_zoo.evaluation.classifiers import load_classifier
    from tfgan_zoo.rundir.run import load_run
    from tfgan_zoo.rundir.checkpoint import CheckpointDir

    clf = load_classifier("mnist-cnn")
    real = sample_real_images("mnist5k:train", 4500, seed=0)[0]
    real_f = clf.features(real)
    results = {"timing": timings}
    print(f"\n{args.num} samples; mnist-cnn (held-out-trained) reads them; real side "
          "mnist5k:train (4,500)\n")
    print("| run | style entropy H / ln K | max p < 0.5 | fd[mnist-cnn] "
          "| nearest-train distance | CPU | wall (load) |")
    print("|---|---|---|---|---|---|---|")
    for title, (folder, _) in runs.items():
        # A run's scores are kept beside it (same samples, same reader), so
        # adding a run to OUT does not score the others again; named by the
        # run's last step, so a run trained further is scored afresh.
        step = CheckpointDir(out / folder / "checkpoints").latest()
        saved = out / folder / f"ambiguity-{args.num}-step{step}.json"
        if saved.is_file():
            r = results[title] = json.loads(saved.read_text())
        else:
            model, _ = load_run(out / folder)
            images = model.sample(args.num, seed=1)
            feats = clf.features(images)
            entropy, unsure = M.class_entropy(clf.predict_logits(images))
            nearest = np.sqrt(((feats[:, None] - real_f[None]) ** 2).sum(-1)).min(1).mean()
            r = results[title] = {"entropy": entropy, "max_p_below_half": unsure,
                                  "fd": M.fid_from_features(real_f, feats),
                                  "nearest_train": float(nearest)}
            saved.write_text(json.dumps(r, indent=2))
        t = timings[title]
        print(f"| {title} | {r['entropy']:.3f} | {r['max_p_below_half']:.3f} | {r['fd']:.2f} "
              f"| {r['nearest_train']:.2f} | {t['cpu_s'] / 60:.1f} min "
              f"| {t['wall_s'] / 60:.1f} min ({t['load'][0]} / {t['load'][1]}) |")
    if args.blends:
        rng = np.random.default_rng(0)
        for k in (2, 3):
            images = np.asarray(real)[rng.integers(0, len(real), (args.num, k))].mean(1)
            entropy, unsure = M.class_entropy(clf.predict_logits(images))
            fd = M.fid_from_features(real_f, clf.features(images))
            results[f"blend{k}"] = {"entropy": entropy, "max_p_below_half": unsure, "fd": fd}
            print(f"| pixel mean of {k} random training digits | {entropy:.3f} | {unsure:.3f} "
                  f"| {fd:.2f} | | | |")
    real_entropy = M.class_entropy(clf.predict_logits(real))[0]
    print(f"\nReal training digits: entropy {real_entropy:.3f}.")
    results["real_entropy"] = real_entropy
    (out / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""SNGAN + projection discriminator (with BigGAN's extras) on mnist5k:
the projection D against a concat-label D at equal steps, EMA against raw
G, and a truncation sweep, as a markdown table.

    python benchmarks/sngan_projection.py --out runs/bench-sngan [--steps 2000]

Trains the `sngan` recipe twice (its defaults, and `--conditioning
concat`; RUN/train.log has each one's output), one after the other unless
`--together` (the machine's rules may allow one training process at a
time), or reuses finished runs in OUT. For each: 1,000 samples (100 per
class) read by the held-out-trained `mnist-cnn`: class accuracy, the
Fréchet distance on its features overall (fd) and per class averaged
(intra-class fd), against the 4,500 digits of mnist5k:train. Then, on the
projection run, z fixed and the truncation psi swept: precision and recall
(k = 3) on mnist-cnn features against 1,000 real training digits, and
class accuracy. psi = 8 is no truncation.

With --step STEP nothing is trained: the checkpoints at STEP of the two
runs already in OUT are scored (EMA and raw G; no truncation sweep), to
compare the pair at an equal step when one run could not finish.
"""

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from _runs import arguments, step_flags, train_recipe

TRUNCATIONS = (0.25, 0.5, 1.0, 1.5, 2.0, 8.0)


def main():
    parser = arguments(__doc__, "runs/bench-sngan", 1000)
    parser.add_argument("--together", action="store_true",
                        help="train the two runs at once, under the same load")
    parser.add_argument("--step", type=int, default=None,
                        help="score both runs' checkpoints at this step; train nothing")
    args = parser.parse_args()

    out = Path(args.out)
    steps = step_flags(args)
    if args.step is not None:
        timings = {}
    else:
        # With --together both train at once (one process each), under the same load.
        with ThreadPoolExecutor(2 if args.together else 1) as pool:
            runs = {"projection": pool.submit(train_recipe, "sngan", out / "projection",
                                              *steps),
                    "concat": pool.submit(train_recipe, "sngan", out / "concat", *steps,
                                          "--conditioning", "concat")}
            timings = {name: run.result() for name, run in runs.items()}

    from tfgan_zoo.data import sample_real_images
    from tfgan_zoo.evaluation import metrics as M
    from tfgan_zoo.evaluation.classifiers import load_classifier
    from tfgan_zoo.rundir.run import load_run

    clf = load_classifier("mnist-cnn")
    real, real_labels = sample_real_images("mnist5k:train", 4500, seed=0)
    real_f = clf.features(real)
    labels = (np.arange(args.num) % 10).astype("int32")
    z = np.random.default_rng(1).standard_normal((args.num, 1)).astype("float32")

    def measure(images):
        feats = clf.features(images)
        return {"class_accuracy": M.class_accuracy(clf.predict_logits(images), labels),
                "fd": M.fid_from_features(real_f, feats),
                "intra_class_fd": M.intra_class_fd(real_f, real_labels, feats, labels)[0]}

    results, rows = {"timing": timings}, []
    for name in ("projection", "concat"):
        model, _ = load_run(out / name, step=args.step)
        z = np.random.default_rng(1).standard_normal((args.num, model.latent_dim)).astype(
            "float32")
        results[name] = measure(model.sample(args.num, z=z, labels=labels))
        rows.append((f"{name} D, EMA G", results[name]))
        if model.ema_decay:
            raw = model.generator([z, labels], training=False).numpy()
            results[name + "_raw"] = measure(raw)
            rows.append((f"{name} D, raw G", results[name + "_raw"]))
    print(f"\n{args.num} samples, 100 per class; mnist-cnn features; real side "
          "mnist5k:train (4,500)\n")
    print("| run | class accuracy | fd[mnist-cnn] | intra-class fd[mnist-cnn] |")
    print("|---|---|---|---|")
    for title, r in rows:
        print(f"| {title} | {r['class_accuracy']:.3f} | {r['fd']:.2f} "
              f"| {r['intra_class_fd']:.2f} |")
    if args.step is not None:
        (out / f"results-{args.step}.json").write_text(json.dumps(results, indent=2))
        return

    model, _ = load_run(out / "projection")
    z = np.random.default_rng(1).standard_normal((args.num, model.latent_dim)).astype("float32")
    pr_real = clf.features(sample_real_images("mnist5k:train", args.num, seed=2)[0])
    sweep = {}
    for psi in TRUNCATIONS:
        images = model.sample(args.num, z=z, labels=labels, truncation=psi)
        precision, recall = M.precision_recall(pr_real, clf.features(images), 3)
        sweep[psi] = {"precision": precision, "recall": recall,
                      "class_accuracy": M.class_accuracy(clf.predict_logits(images), labels)}
    results["truncation"] = sweep
    print("\n| truncation psi | precision | recall | class accuracy |")
    print("|---|---|---|---|")
    for psi, r in sweep.items():
        label = "8 (none)" if psi >= 8 else f"{psi:g}"
        print(f"| {label} | {r['precision']:.3f} | {r['recall']:.3f} "
              f"| {r['class_accuracy']:.3f} |")
    print("\n| run | steps | wall | CPU | load before / after |")
    print("|---|---|---|---|---|")
    for name, t in timings.items():
        print(f"| {name} | {args.steps or 'recipe'} | {t['wall_s'] / 60:.1f} min "
              f"| {t['cpu_s'] / 60:.1f} min | {t['load'][0]} / {t['load'][1]} |")
    (out / "results.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()

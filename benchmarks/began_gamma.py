"""BEGAN's diversity ratio: gamma = 0.3 against gamma = 0.7 at equal steps,
and the convergence measure of each run.

    python benchmarks/began_gamma.py --out runs/began-gamma [--gammas 0.3,0.7]
        [--steps N] [--seed S] [--pull-away-weight W]
        [--set d_lr=1e-4 --set mixed_precision=none ...]

Trains the `began` recipe (its defaults, only --gamma changed, plus any
`--set KEY=VALUE` overrides, the same for every gamma) once per gamma, one
run after the other, then scores 1,000 samples with `python -m tfgan_zoo.evaluate`:
precision / recall (Inception pool3, k=3; Berthelot et al. §4.1 expect
higher gamma -> more diversity -> higher recall) and fd[mnist-cnn]. From
the run's TensorBoard log it reads M_global (the logged value is the mean
over the steps of its 100-step epoch so far) at 10 % of the steps and at
the end. `--pull-away-weight W` trains every run with EBGAN's pulling-away
term on G's codes (the model's project option, off by default). Prints one
JSON object per run (also written to OUT/gamma-G/benchmark.json) and a
markdown table, with mnist-cnn's share of each digit and the rarest one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from _budget_runs import evaluate_run, scalar_series, train_recipe

from tfgan_zoo.files import write_atomic

METRICS = "pr,fd[mnist-cnn]"
FAST_METRICS = "pr[mnist-cnn],fd[mnist-cnn]"


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="runs/began-gamma")
    parser.add_argument("--gammas", default="0.3,0.7")
    parser.add_argument("--steps", type=int, default=None, help="default: the recipe's")
    parser.add_argument("--seed", type=int, default=0, help="the runs' --seed")
    parser.add_argument("--pull-away-weight", type=float, default=0.0,
                        help="EBGAN's pulling-away term on G's codes (0: the paper's BEGAN)")
    parser.add_argument("--num-samples", type=int, default=1000)
    parser.add_argument("--mnist-cnn-pr", action="store_true",
                        help="precision / recall in mnist-cnn's features instead of Inception "
                             "pool3 (about 10x faster on a CPU)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a recipe field or model argument for every run, e.g. d_lr=1e-4")
    args = parser.parse_args()
    extra = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--set needs KEY=VALUE, got {item!r}: e.g. --set d_lr=1e-4")
        try:
            extra[key] = float(value)
        except ValueError:
            extra[key] = value
    results = []
    for gamma in [float(g) for g in args.gammas.split(",")]:
        out = Path(args.out) / f"gamma-{gamma:g}"
        overrides = {**extra, "gamma": gamma, "seed": args.seed,
                     "pull_away_weight": args.pull_away_weight,
                     **({"steps": args.steps} if args.steps else {})}
        run = train_recipe("began", out, **overrides)
        run["metrics"] = evaluate_run(out, FAST_METRICS if args.mnist_cnn_pr else METRICS,
                                      args.num_samples)
        run["digit_shares"] = digit_shares(out)
        run["m_global_10pct"] = m_global_at(out, 0.1, run["steps"])
        run["m_global_end"] = m_global_at(out, 1.0, run["steps"])
        run["k_end"] = scalar_series(out, "k")[-1]
        if args.pull_away_weight:
            run["pull_away_end"] = scalar_series(out, "pull_away")[-1]
        write_atomic(out / "benchmark.json", json.dumps(run, indent=1).encode())
        print(json.dumps(run))
        results.append(run)
    suffix = "[mnist-cnn]" if args.mnist_cnn_pr else ""
    print(f"| gamma | PT weight | seed | steps | precision{suffix} | recall{suffix} "
          "| fd[mnist-cnn] | top digit | rarest | digits >= 5 % | M_global at 10 % | at end "
          "| k at end | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        m, shares, o = r["metrics"], r["digit_shares"], r["overrides"]
        top = max(range(10), key=shares.__getitem__)
        rare = min(range(10), key=shares.__getitem__)
        print(f"| {o['gamma']:g} | {o['pull_away_weight']:g} | {o['seed']} | {r['steps']} | "
              f"{m['precision' + suffix]:.3f} | {m['recall' + suffix]:.3f} | "
              f"{m['fd[mnist-cnn]']:.1f} | {top} ({shares[top]:.0%}) | "
              f"{rare} ({shares[rare]:.1%}) | {sum(s >= 0.05 for s in shares)} | "
              f"{r['m_global_10pct'][1]:.4f} (step {r['m_global_10pct'][0]}) | "
              f"{r['m_global_end'][1]:.4f} | {r['k_end'][1]:.4f} | {r['cpu_seconds']:.0f} |")


if __name__ == "__main__":
    main()

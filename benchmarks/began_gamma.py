"""BEGAN's diversity ratio: gamma = 0.3 against gamma = 0.7 at equal steps,
and the convergence measure of each run.

    python benchmarks/began_gamma.py --out runs/began-gamma [--gammas 0.3,0.7]

Trains the `began` recipe (its defaults, only --gamma changed) once per
gamma, then scores 1,000 samples with `python -m tfgan_zoo.evaluate`:
precision / recall (Inception pool3, k=3; Berthelot et al. §4.1 expect
higher gamma -> more diversity -> higher recall) and fd[mnist-cnn]. From
the run's TensorBoard log it reads M_global (the logged value is the mean
over the steps of its 100-step epoch so far) at 10 % of the steps and at
the end. Prints one JSON object per run and a markdown table.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from _budget_runs import evaluate_run, scalar_series, train_recipe

METRICS = "pr,fd[mnist-cnn]"


def m_global_at(run_dir, fraction, steps):
    series = scalar_series(run_dir, "m_global")
    target = fraction * steps
    return min(series, key=lambda item: abs(item[0] - target))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="runs/began-gamma")
    parser.add_argument("--gammas", default="0.3,0.7")
    parser.add_argument("--steps", type=int, default=None, help="default: the recipe's")
    parser.add_argument("--num-samples", type=int, default=1000)
    args = parser.parse_args()
    results = []
    for gamma in [float(g) for g in args.gammas.split(",")]:
        out = Path(args.out) / f"gamma-{gamma:g}"
        overrides = {"gamma": gamma, **({"steps": args.steps} if args.steps else {})}
        run = train_recipe("began", out, **overrides)
        run["metrics"] = evaluate_run(out, METRICS, args.num_samples)
        run["m_global_10pct"] = m_global_at(out, 0.1, run["steps"])
        run["m_global_end"] = m_global_at(out, 1.0, run["steps"])
        run["k_end"] = scalar_series(out, "k")[-1]
        print(json.dumps(run))
        results.append(run)
    print("| gamma | steps | precision | recall | fd[mnist-cnn] | M_global at 10 % | at end "
          "| k at end | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        m = r["metrics"]
        print(f"| {r['overrides']['gamma']:g} | {r['steps']} | {m['precision']:.3f} | "
              f"{m['recall']:.3f} | {m['fd[mnist-cnn]']:.1f} | "
              f"{r['m_global_10pct'][1]:.4f} (step {r['m_global_10pct'][0]}) | "
              f"{r['m_global_end'][1]:.4f} | {r['k_end'][1]:.4f} | {r['cpu_seconds']:.0f} |")


if __name__ == "__main__":
    main()

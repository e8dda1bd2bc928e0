"""LAPGAN against DCGAN at equal time on mnist5k:train, 32 px.

    python benchmarks/lapgan_vs_dcgan.py --out runs/lapgan-vs-dcgan

Trains the `dcgan` recipe (its defaults, on the same `mnist5k:train` data
as LAPGAN) and measures its CPU time; then trains the `lapgan` recipe until
it has used the same CPU time (`_budget_runs.CPUBudget`; model building and
tracing count for both). CPU time stands in for wall time on a shared
machine. Both exports are scored with `python -m tfgan_zoo.evaluate` on
1,000 samples: fd[mnist-cnn] (the comparison), FID, precision / recall,
and LAPGAN's class accuracy as cluster[mnist-cnn] (labels matched to digits
by the Hungarian method). Prints one JSON object per run and a table.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from _budget_runs import evaluate_run, train_recipe

METRICS = "fid,pr,fd[mnist-cnn]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="runs/lapgan-vs-dcgan")
    parser.add_argument("--num-samples", type=int, default=1000)
    args = parser.parse_args()
    dcgan = train_recipe("dcgan", Path(args.out) / "dcgan", dataset="mnist5k:train",
                         report=False)
    lapgan = train_recipe("lapgan", Path(args.out) / "lapgan", steps=100_000, report=False,
                          cpu_budget=dcgan["cpu_seconds"])
    dcgan["metrics"] = evaluate_run(dcgan["out"], METRICS, args.num_samples)
    lapgan["metrics"] = evaluate_run(lapgan["out"], METRICS + ",cluster[mnist-cnn]",
                                     args.num_samples)
    print("| model | steps | CPU s | fd[mnist-cnn] | FID | precision | recall |")
    print("|---|---|---|---|---|---|---|")
    for run in (dcgan, lapgan):
        print(json.dumps(run))
    for run in (dcgan, lapgan):
        m = run["metrics"]
        print(f"| {run['recipe']} | {run['steps']} | {run['cpu_seconds']:.0f} | "
              f"{m['fd[mnist-cnn]']:.1f} | {m['fid']:.1f} | {m['precision']:.3f} | "
              f"{m['recall']:.3f} |")
    ratio = lapgan["metrics"]["fd[mnist-cnn]"] / dcgan["metrics"]["fd[mnist-cnn]"]
    print(f"LAPGAN / DCGAN fd[mnist-cnn] = {ratio:.3f} (target <= 1.10); LAPGAN class "
          f"accuracy {lapgan['metrics']['cluster[mnist-cnn]']:.3f}")


if __name__ == "__main__":
    main()

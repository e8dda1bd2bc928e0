"""PixelDTGAN with and without its association discriminator D_A, over
three seeds: does tying the product to the person matter?

    python benchmarks/pixeldtgan_association.py --out runs/pixeldtgan-ablation [--steps N]

Each of the 2 x 3 runs is the recipe (`tfgan_zoo.recipes.pixeldtgan`) at
its defaults but for the seed and `--no-association`, resumable, one run
directory each under --out; the product report (`products-cnn` reading the
garment class on C(figure), lookbook's test pairs) is written in each.
Prints the mean and spread of the class accuracy per arm and the drop
without D_A; writes OUT/results.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import cpu_seconds  # noqa: E402

from tfgan_zoo.recipes.pixeldtgan import RECIPE  # noqa: E402
from tfgan_zoo.reports.cross_domain import product_report  # noqa: E402
from tfgan_zoo.training.trainer import train  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="runs/pixeldtgan-ablation")
    parser.add_argument("--steps", type=int, default=RECIPE.steps)
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args(argv)
    started, cpu = time.time(), cpu_seconds()
    accuracy = {"with D_A": [], "without D_A": []}
    ssim = {"with D_A": [], "without D_A": []}
    for seed in (int(s) for s in args.seeds.split(",")):
        for arm, association in (("with D_A", True), ("without D_A", False)):
            config = dataclasses.replace(
                RECIPE, seed=seed, steps=args.steps, export=False,
                out=str(Path(args.out) / f"{'with' if association else 'without'}-seed{seed}"),
                model_args={**RECIPE.model_args, "association": association})
            model = train(config, verbose=0)
            result = product_report(model, config)
            accuracy[arm].append(result["reader_accuracy"]["C(figure)"])
            ssim[arm].append(result["ssim_to_product"])
            print(f"seed {seed} {arm}: class accuracy {accuracy[arm][-1]:.4f} "
                  f"({(time.time() - started) / 60:.1f} min, "
                  f"{(cpu_seconds() - cpu) / 60:.1f} CPU-min)", flush=True)
    summary = {"steps": args.steps, "seeds": args.seeds, "accuracy": accuracy, "ssim": ssim,
               "mean": {k: round(float(np.mean(v)), 4) for k, v in accuracy.items()},
               "std": {k: round(float(np.std(v)), 4) for k, v in accuracy.items()},
               "cpu_minutes": round((cpu_seconds() - cpu) / 60, 1),
               "wall_minutes": round((time.time() - started) / 60, 1)}
    summary["drop_points"] = round(100 * (summary["mean"]["with D_A"]
                                          - summary["mean"]["without D_A"]), 1)
    print("\n| arm | class accuracy on C(figure), mean of seeds | std | SSIM to product |")
    print("|---|---:|---:|---:|")
    for arm in accuracy:
        print(f"| {arm} | {summary['mean'][arm]:.4f} | {summary['std'][arm]:.4f} | "
              f"{np.mean(ssim[arm]):.4f} |")
    print(f"\nDrop without D_A: {summary['drop_points']} points")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "results.json").write_text(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    main()

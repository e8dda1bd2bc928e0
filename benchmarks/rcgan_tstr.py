"""RCGAN's TSTR, MMD and memorisation check (Esteban et al. 2017, §3-5).

    python benchmarks/rcgan_tstr.py --out runs/rcgan-tstr [--steps N] [--dataset sines]

Trains the `rcgan` recipe (its defaults unless overridden: mnist5k digits
0-2 as 14x14 sequences), then writes its report: TSTR (random forest
trained on as many labelled samples as there are training sequences,
tested on the held-out real split) against TRTR (the same forest trained on
the real training split), MMD^2 of samples and of held-out real series
against training series, and the memorisation check. Prints the report
and the CPU time; target: TSTR >= 0.8 x TRTR, memorisation passes.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time

from tfgan_zoo.recipes.rcgan import RECIPE
from tfgan_zoo.reports.sequence import write_series_report
from tfgan_zoo.training.trainer import train


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="runs/rcgan-tstr")
    parser.add_argument("--steps", type=int, default=RECIPE.steps)
    parser.add_argument("--dataset", default=RECIPE.dataset)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model-args", type=json.loads, default={},
                        help='JSON overrides of the recipe\'s model_args, e.g. {"g_steps": 1}')
    parser.add_argument("--d-lr", type=float, default=RECIPE.d_lr)
    parser.add_argument("--g-lr", type=float, default=RECIPE.g_lr)
    parser.add_argument("--beta-1", type=float, default=RECIPE.beta_1,
                        help="Adam's beta_1 (the reference's G: TF's default 0.9)")
    parser.add_argument("--d-optimizer", default=RECIPE.d_optimizer,
                        help="D's optimizer, e.g. gd (plain gradient descent, the "
                             "reference's D at --d-lr 0.1); default: the recipe's")
    args = parser.parse_args()
    config = dataclasses.replace(RECIPE, out=args.out, steps=args.steps,
                                 dataset=args.dataset, seed=args.seed, export=False,
                                 d_lr=args.d_lr, g_lr=args.g_lr, d_optimizer=args.d_optimizer,
                                 beta_1=args.beta_1,
                                 model_args={**RECIPE.model_args, **args.model_args})
    start = time.process_time()
    model = train(config, verbose=0)
    train_cpu = time.process_time() - start
    report = write_series_report(model, config)
    report.update(train_cpu_s=train_cpu, steps=args.steps, model_args=config.model_args,
                  d_lr=config.d_lr, g_lr=config.g_lr, beta_1=config.beta_1,
                  d_optimizer=config.d_optimizer or config.optimizer,
                  target_met=bool(report["tstr_over_trtr"] >= 0.8
                                  and report["memorisation_passes"]))
    print(json.dumps(report))
    print("| data | steps | TSTR | TRTR | TSTR/TRTR | MMD² samples | MMD² held-out real | "
          "sample→train | train→train | memorisation |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.dataset} | {args.steps} | {report['tstr']:.3f} | {report['trtr']:.3f} | "
          f"{report['tstr_over_trtr']:.2f} | {report['mmd2_samples']:.4f} | "
          f"{report['mmd2_real_heldout']:.4f} | {report['median_sample_to_train']:.3f} | "
          f"{report['median_train_to_train']:.3f} | "
          f"{'passes' if report['memorisation_passes'] else 'fails'} |")


if __name__ == "__main__":
    main()

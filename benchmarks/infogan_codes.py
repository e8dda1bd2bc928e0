"""Which digits each InfoGAN categorical code value draws, for a trained run.

    python benchmarks/infogan_codes.py RUN

Loads the run's newest checkpoint and recomputes the code report's figures
(`tfgan_zoo.reports.codes.code_figures`: 1,000 images per code value, z and
the continuous codes random, read by mnist-cnn). Prints the cluster accuracy
and, per code value, its three most frequent readings with their shares, as
a markdown table. Then each continuous code's Spearman rho with each image
moment, pooled over all codes (the report's figure) and within each
categorical value (300 images each, z and the continuous codes random; the
mean over values), which leaves out how the moments differ between digits,
and as the paper's Fig. 2 reads a code (`tfgan_zoo.reports.codes.
sweep_correlations`): the code swept from -2 to 2 with z, the categorical
value and the other codes fixed, rho within each such row, its mean over
rows (one direction everywhere) and the mean of abs(rho) (a direction per
row).
"""

from __future__ import annotations

import argparse

import numpy as np

from tfgan_zoo.evaluation.moments import MOMENTS, code_moment_correlations
from tfgan_zoo.reports.codes import code_figures, generate_codes
from tfgan_zoo.rundir.run import load_run


def within_category(model, per_category=300, seed=0):
    """{moment: [mean over categorical values of rho, per continuous code]}."""
    rng = np.random.default_rng(seed + 1)
    rhos = []
    for category in range(model.num_categories):
        cont = rng.uniform(-1, 1, (per_category, model.continuous_codes))
        images = generate_codes(model, np.full(per_category, category), cont, rng)
        rhos.append(code_moment_correlations(cont, images))
    return {name: np.mean([r[name] for r in rhos], axis=0).tolist() for name in MOMENTS}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", help="an infogan run directory (its --out)")
    args = parser.parse_args()
    model, config = load_run(args.run)
    figures = code_figures(model, seed=config.seed)
    print(f"cluster accuracy {figures['cluster_accuracy']:.4f}")
    print("| code | matched digit | readings (digit: share) |")
    print("|---|---|---|")
    for code, readings in figures["digits_per_code"].items():
        print(f"| {code} | {figures['mapping'][code]} | "
              + ", ".join(f"{d}: {share:.0%}" for d, share in readings) + " |")
    if model.continuous_codes:
        within = within_category(model, seed=config.seed)
        sweep = figures["sweep"]
        print("| code | moment | rho pooled | rho within a categorical value (mean) "
              f"| sweep {sweep['range'][0]:g} to {sweep['range'][1]:g}, "
              f"{sweep['rows']} rows: mean rho | mean abs(rho) |")
        print("|---|---|---|---|---|---|")
        for j in range(model.continuous_codes):
            for name in MOMENTS:
                print(f"| {j} | {name} | {figures['spearman'][name][j]:+.3f} | "
                      f"{within[name][j]:+.3f} | {sweep['mean'][name][j]:+.3f} | "
                      f"{sweep['mean_abs'][name][j]:.3f} |")


if __name__ == "__main__":
    main()

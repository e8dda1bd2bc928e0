"""Which digits each InfoGAN categorical code value draws, for a trained run.

    python benchmarks/infogan_codes.py RUN

Loads the run's newest checkpoint and recomputes the code report's figures
(`tfgan_zoo.reports.codes.code_figures`: 1,000 images per code value, z and
the continuous codes random, read by mnist-cnn). Prints the cluster accuracy
and, per code value, its three most frequent readings with their shares, as
a markdown table.
"""

from __future__ import annotations

import argparse

from tfgan_zoo.reports.codes import code_figures
from tfgan_zoo.training.run import load_run


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


if __name__ == "__main__":
    main()

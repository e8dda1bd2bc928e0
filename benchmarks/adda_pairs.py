"""ADDA on both of the issue's pairs: mnist -> ucidigits (the MNIST -> USPS
analogue, the recipe's default) and syndigits -> mnist (the SVHN -> MNIST
analogue).

    python benchmarks/adda_pairs.py --out runs/adda-pairs [recipe flags]

Each pair is the recipe (`tfgan_zoo.recipes.adda`: source classifier, then
adaptation, then the three-row table) in OUT/<source>-to-<target>; extra
flags go to every run. Prints the tables and writes OUT/results.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tfgan_zoo.recipes import adda  # noqa: E402

PAIRS = ("mnist>ucidigits", "syndigits>mnist")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="runs/adda-pairs")
    parser.add_argument("--pairs", default=",".join(PAIRS))
    args, rest = parser.parse_known_args(argv)
    results = {}
    for pair in args.pairs.split(","):
        out = Path(args.out) / pair.replace(">", "-to-")
        adda.main(["--dataset", f"adapt:{pair}", "--out", str(out), *rest])
        results[pair] = json.loads((out / "adda" / "metrics.json").read_text())
    for pair, result in results.items():
        rows = result["rows"]
        print(f"{pair}: source-only {rows['source-only'][result['target_domain']]:.4f}, "
              f"ADDA {rows['adapted'][result['target_domain']]:.4f}, "
              f"oracle {rows['target-oracle'][result['target_domain']]:.4f}")
    Path(args.out, "results.json").write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()

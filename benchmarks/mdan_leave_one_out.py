"""MDAN against single-source DANN, leave-one-out over the four digit
domains (mnist, mnistm, syndigits, ucidigits; `tfgan_zoo.data.digit_domains`).

    python benchmarks/mdan_leave_one_out.py --out runs/mdan-loo [--steps 1500]

For each target domain, the other three are the sources, and these train
with the shared trainer (one resumable run directory each under --out):

    mdan-soft, mdan-hard     MDAN on the three sources (eq. 5 and eq. 4)
    dann-<source>            DANN from each single source
    dann-pooled              DANN on the three sources pooled (--pooled)

every one with the same optimizer (Adam, --lr), steps and per-domain batch,
so the comparison is of the objectives alone. Accuracy is on each target's
test split; the check is MDAN-soft >= the best single-source DANN on at
least 3 of the 4 targets. Prints a Markdown table and writes
OUT/results.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import cpu_seconds  # noqa: E402

from tfgan_zoo.config import Config  # noqa: E402
from tfgan_zoo.data.digit_domains import DOMAINS  # noqa: E402
from tfgan_zoo.training.classifier import domain_accuracy  # noqa: E402
from tfgan_zoo.training.trainer import train  # noqa: E402


def runs(target, pooled):
    sources = [d for d in DOMAINS if d != target]
    found = {f"mdan-{c}": ("mdan", sources, {"combination": c}) for c in ("soft", "hard")}
    for source in sources:
        found[f"dann-{source}"] = ("dann", [source], {"anneal": False})
    if pooled:
        found["dann-pooled"] = ("dann", sources, {"anneal": False})
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="runs/mdan-loo")
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--targets", default=",".join(DOMAINS))
    parser.add_argument("--pooled", action="store_true", help="also DANN on pooled sources")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = Path(args.out)
    results, started, cpu = {}, time.time(), cpu_seconds()
    for target in args.targets.split(","):
        results[target] = {}
        for name, (model, sources, extra) in runs(target, args.pooled).items():
            config = Config(recipe=f"{name}-to-{target}", model=model,
                            dataset=f"adapt:{','.join(sources)}>{target}", steps=args.steps,
                            batch_size=args.batch_size, optimizer="adam", g_lr=args.lr,
                            d_lr=args.lr, beta_1=0.9, seed=args.seed,
                            out=str(out / target / name), checkpoint_every=args.steps,
                            log_every=100, epoch_steps=args.steps, export=False,
                            report=False, model_args=extra)
            trained = train(config, verbose=0)
            results[target][name] = round(
                domain_accuracy(*trained.classifier_networks(), target), 4)
            print(f"{target:10s} {name:18s} {results[target][name]:.4f} "
                  f"({(time.time() - started) / 60:.1f} min, "
                  f"{(cpu_seconds() - cpu) / 60:.1f} CPU-min)", flush=True)
    summary = {"steps": args.steps, "batch_size": args.batch_size, "lr": args.lr,
               "seed": args.seed, "accuracy": results,
               "cpu_minutes": round((cpu_seconds() - cpu) / 60, 1),
               "wall_minutes": round((time.time() - started) / 60, 1)}
    wins = 0
    print("\n| target | MDAN-soft | MDAN-hard | best single-source DANN | "
          + ("DANN pooled | " if args.pooled else "") + "soft >= best single |")
    print("|---|---:|---:|---:|" + ("---:|" if args.pooled else "") + "---|")
    for target, row in results.items():
        single = {k: v for k, v in row.items() if k.startswith("dann-")
                  and k != "dann-pooled"}
        best = max(single, key=single.get)
        wins += row["mdan-soft"] >= single[best]
        print(f"| {target} | {row['mdan-soft']:.4f} | {row['mdan-hard']:.4f} | "
              f"{single[best]:.4f} ({best[5:]}) | "
              + (f"{row['dann-pooled']:.4f} | " if args.pooled else "")
              + ("yes" if row["mdan-soft"] >= single[best] else "no") + " |")
    summary["soft_matches_best_single"] = f"{wins} of {len(results)}"
    print(f"\nMDAN-soft >= best single-source DANN on {wins} of {len(results)} targets")
    (out / "results.json").write_text(json.dumps(summary, indent=2))
    return summary


if __name__ == "__main__":
    main()

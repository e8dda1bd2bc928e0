"""MDAN against single-source DANN, leave-one-out over the four digit
domains (mnist, mnistm, syndigits, ucidigits; `tfgan_zoo.data.digit_domains`).

    python benchmarks/mdan_leave_one_out.py --out runs/mdan-loo [--steps 1500]
        [--no-hard] [--pooled] [--targets mnistm,ucidigits]

For each target domain, the other three are the sources, and these train
with the shared trainer (one resumable run directory each under --out):

    mdan-soft                MDAN on the three sources (eq. 5)       required
    dann-<source>            DANN from each single source            required
    mdan-hard                MDAN on the three sources (eq. 4)       extra; --no-hard skips it
    dann-pooled              DANN on the three sources pooled        extra; only with --pooled

every one with the same optimizer (Adam, --lr, constant), steps and
per-domain batch, so the comparison is of the objectives alone. DANN's
reversal is lambda_p (its ramp, 0 -> 1 over the run) times --dann-weight,
by default MDAN's mu = 1e-2: a single-source DANN is then MDAN's objective
with k = 1 (plus DANN's ramp). At the paper's full strength,
--dann-weight 1, two of the three DANNs into mnist collapsed to chance
(class loss at ln 10) in 1,500 Adam steps, as MDAN did at mu >= 0.3
(benchmarks/RESULTS.md): a baseline no method needs to beat. The
required runs of every target train first, then the extras, so a
benchmark stopped early still answers the check. Accuracy
is on each target's test split; the check is MDAN-soft >= the best
single-source DANN on at least 3 of the 4 targets.

OUT/results.json is rewritten (atomically) after every run (accuracy, CPU
and wall time of each), so a long benchmark can be polled and a kill never
leaves it half-written; started again with the
same settings, it skips the runs recorded there and resumes the others
from their checkpoints. At the end it prints a Markdown table per target.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import cpu_seconds  # noqa: E402

from tfgan_zoo.data.digit_domains import DOMAINS  # noqa: E402
from tfgan_zoo.files import write_atomic  # noqa: E402

# MDAN's domain-loss weight (the model's default, the reference's), and
# the benchmark's default DANN reversal weight.
MU = 1e-2
# What results.json must agree on for its records to be reused.
SETTINGS = ("steps", "batch_size", "lr", "dann_weight", "seed")


def runs(target, pooled=False, hard=True, dann_weight=MU):
    """{run name: (model, source domains, model args)} for one target: the
    required MDAN-soft and single-source DANNs, then the extras asked for."""
    sources = [d for d in DOMAINS if d != target]
    dann = {"anneal": False, "domain_weight": dann_weight}
    found = {"mdan-soft": ("mdan", sources, {"combination": "soft"})}
    for source in sources:
        found[f"dann-{source}"] = ("dann", [source], dann)
    if hard:
        found["mdan-hard"] = ("mdan", sources, {"combination": "hard"})
    if pooled:
        found["dann-pooled"] = ("dann", sources, dann)
    return found


# mdan-soft and the single-source DANNs from the other len(DOMAINS) - 1 domains
REQUIRED = len(DOMAINS)


def plan(targets, pooled=False, hard=True, dann_weight=MU):
    """[(target, run name, (model, sources, model args))]: the required runs
    of every target, then the extras of every target."""
    found = [[(t, name, spec) for name, spec in runs(t, pooled, hard, dann_weight).items()]
             for t in targets]
    return ([r for rows in found for r in rows[:REQUIRED]]
            + [r for rows in found for r in rows[REQUIRED:]])


def best_single(row):
    """(source, accuracy) of the best single-source DANN in a target's row."""
    single = {k[len("dann-"):]: v for k, v in row.items()
              if k.startswith("dann-") and k != "dann-pooled"}
    source = max(single, key=single.get)
    return source, single[source]


def table(accuracy):
    """Markdown lines of the per-target table and the count of targets on
    which MDAN-soft >= the best single-source DANN. `accuracy` is
    {target: {run name: target test accuracy}}; a run not trained shows '–'."""
    def cell(row, name):
        return f"{row[name]:.3f}" if name in row else "–"

    lines = ["| target | MDAN-soft | " + " | ".join(f"DANN from {d}" for d in DOMAINS)
             + " | best single (source) | soft − best single | MDAN-hard | DANN pooled "
             "| soft ≥ best single |",
             "| --- | ---: | " + "---: | " * len(DOMAINS) + "---: | ---: | ---: | ---: | --- |"]
    wins = 0
    for target, row in accuracy.items():
        source, best = best_single(row)
        gap = row["mdan-soft"] - best
        wins += gap >= 0
        lines.append(f"| {target} | {row['mdan-soft']:.3f} | "
                     + " | ".join(cell(row, f"dann-{d}") for d in DOMAINS)
                     + f" | {best:.3f} ({source}) | {100 * gap:+.1f} pts | "
                     f"{cell(row, 'mdan-hard')} | {cell(row, 'dann-pooled')} | "
                     + ("yes" if gap >= 0 else "no") + " |")
    return lines, wins


def recorded(path, settings):
    """The run records of an earlier results.json with the same settings."""
    if not path.exists():
        return {}
    saved = json.loads(path.read_text())
    if any(saved.get(k) != settings[k] for k in SETTINGS):
        raise SystemExit(f"{path} was written with other settings "
                         f"({', '.join(f'{k}={saved.get(k)}' for k in SETTINGS)}): "
                         "pass those, or another --out")
    return saved.get("runs", {})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="runs/mdan-loo")
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--batch-size", type=int, default=32,
                        help="images of every domain a step")
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam's rate, every run")
    parser.add_argument("--targets", default=",".join(DOMAINS))
    parser.add_argument("--hard", action=argparse.BooleanOptionalAction, default=True,
                        help="also MDAN-hard (an extra; --no-hard skips it)")
    parser.add_argument("--pooled", action="store_true",
                        help="also DANN on the pooled sources (an extra)")
    parser.add_argument("--dann-weight", type=float, default=MU,
                        help="DANN's reversal: lambda_p times this (default MDAN's mu; "
                             "1 is the paper's DANN)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    targets = args.targets.split(",")
    for target in targets:
        if target not in DOMAINS:
            parser.error(f"unknown target '{target}': choose from {', '.join(DOMAINS)}")

    from tfgan_zoo.config import Config
    from tfgan_zoo.training.classifier import domain_accuracy
    from tfgan_zoo.training.trainer import train

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    settings = {"steps": args.steps, "batch_size": args.batch_size, "lr": args.lr,
                "dann_weight": args.dann_weight, "seed": args.seed}
    records = recorded(out / "results.json", settings)
    for target, name, (model, sources, extra) in plan(targets, args.pooled, args.hard,
                                                       args.dann_weight):
        key = f"{target}/{name}"
        if key in records:
            continue
        started, cpu = time.time(), cpu_seconds()
        config = Config(recipe=f"{name}-to-{target}", model=model,
                        dataset=f"adapt:{','.join(sources)}>{target}", steps=args.steps,
                        batch_size=args.batch_size, optimizer="adam", g_lr=args.lr,
                        d_lr=args.lr, beta_1=0.9, seed=args.seed,
                        out=str(out / target / name), checkpoint_every=args.steps,
                        log_every=100, epoch_steps=args.steps, export=False,
                        report=False, model_args=extra)
        trained = train(config, verbose=0)
        records[key] = {"accuracy": round(float(
                            domain_accuracy(*trained.classifier_networks(), target)), 4),
                        "cpu_s": round(cpu_seconds() - cpu, 1),
                        "wall_s": round(time.time() - started, 1)}
        write_atomic(out / "results.json",
                     json.dumps({**settings, "runs": records}, indent=2).encode())
        print(f"{target:10s} {name:18s} {records[key]['accuracy']:.4f} "
              f"({records[key]['cpu_s'] / 60:.1f} CPU-min, "
              f"{records[key]['wall_s'] / 60:.1f} min)", flush=True)

    accuracy = {}
    for key, record in records.items():
        target, name = key.split("/")
        accuracy.setdefault(target, {})[name] = record["accuracy"]
    accuracy = {t: accuracy[t] for t in DOMAINS if t in accuracy}
    lines, wins = table(accuracy)
    print("\n" + "\n".join(lines))
    verdict = f"{wins} of {len(accuracy)}"
    print(f"\nMDAN-soft >= best single-source DANN on {verdict} targets; "
          f"{sum(r['cpu_s'] for r in records.values()) / 60:.1f} CPU-min over "
          f"{len(records)} runs")
    summary = {**settings, "runs": records, "soft_matches_best_single": verdict}
    write_atomic(out / "results.json", json.dumps(summary, indent=2).encode())
    return summary


if __name__ == "__main__":
    main()

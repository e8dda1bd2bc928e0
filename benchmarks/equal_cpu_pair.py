"""Two recipes at equal CPU time, trained side by side on the same machine.

    python benchmarks/equal_cpu_pair.py --reference dcgan --matched lapgan \
        --out runs/lapgan-vs-dcgan --metrics "fd[mnist-cnn],score[mnist-cnn],pr[mnist-cnn]" \
        --matched-metrics "cluster[mnist-cnn]"

The reference recipe trains with its defaults. The matched recipe trains at
the same time, in a second process, with no step limit, and stops once its
own CPU time (user + sys of its process, from just before data loading and
model building to the current step) reaches the reference's at the end of
training; until the reference has finished, the matched run keeps going
(`--cap` bounds it). Running both at once puts them under the same
contention from the rest of a shared machine, so neither gets the quieter
half of the session; `--one-at-a-time` trains the reference to its end
first and the matched run after it (then the two meet different loads, and
CPU time is what stays matched). Both exports are then scored with
`python -m tfgan_zoo.evaluate` (`--num-samples`, seed 0). Writes
OUT/results.json and prints a markdown table; each leg's log (with the
precision / XLA line the trainer prints) is OUT/<leg>.log, and its CPU
time every 100 steps OUT/<leg>/cpu_steps.jsonl.

This is `lapgan_vs_dcgan.py`'s protocol run concurrently instead of one
after the other, and without the Inception FID (at about 5 images/s on two
cores it costs more CPU than the comparison needs).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import keras

from _budget_runs import CPUBudget, evaluate_run, train_model
from _timing import cpu_seconds


class FileBudget(CPUBudget):
    """CPUBudget whose limit is read from a file another process writes when
    it finishes; stops at `cap` seconds regardless."""

    def __init__(self, path, cap):
        super().__init__(cap)
        self.path, self.limit = Path(path), None

    def on_train_batch_end(self, batch, logs=None):
        if self.limit is None and self.path.is_file():
            self.limit = float(json.loads(self.path.read_text())["cpu_seconds"])
            print(f"reference finished at {self.limit:.1f} CPU s", flush=True)
        used = cpu_seconds() - self.start
        if (self.limit is not None and used >= self.limit) or used >= self.seconds:
            self.model.stop_training = True


class CPULog(keras.callbacks.Callback):
    """Appends {"step", "cpu_s", "wall_s", "load"} every `every` steps."""

    def __init__(self, path, start_cpu, every=100):
        super().__init__()
        self.path, self.start_cpu, self.every = Path(path), start_cpu, every
        self.start_wall, self.count = time.time(), 0

    def on_train_batch_end(self, batch, logs=None):
        self.count += 1
        if self.count % self.every == 0:
            step = int(self.model.g_optimizer.iterations)
            with self.path.open("a") as f:
                f.write(json.dumps({"step": step,
                                    "cpu_s": round(cpu_seconds() - self.start_cpu, 1),
                                    "wall_s": round(time.time() - self.start_wall, 1),
                                    "load": round(os.getloadavg()[0], 1)}) + "\n")


def leg(args):
    out = Path(args.out)
    name = args.reference if args.leg == "reference" else args.matched
    run = out / args.leg
    run.mkdir(parents=True, exist_ok=True)
    (run / "cpu_steps.jsonl").unlink(missing_ok=True)
    if args.leg == "reference":
        budget = CPUBudget(None)
        overrides = {"steps": args.steps} if args.steps else {}
    else:
        budget = FileBudget(out / "reference.json", args.cap)
        overrides = {"steps": 1_000_000}
    if args.mixed_precision:
        overrides["mixed_precision"] = args.mixed_precision
    log = CPULog(run / "cpu_steps.jsonl", budget.start)
    # The budget counts from here; train_model makes a second, unlimited one.
    model, record = train_model(name, run, None, (budget, log), report=False, **overrides)
    record["cpu_seconds"] = round(budget.used, 1)
    if args.leg == "reference":
        (out / "reference.json").write_text(json.dumps(record))
    (out / f"{args.leg}.json").write_text(json.dumps(record))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reference", required=True, help="recipe that sets the time")
    parser.add_argument("--matched", required=True, help="recipe trained for that time")
    parser.add_argument("--out", required=True)
    parser.add_argument("--metrics", default="fd[mnist-cnn],score[mnist-cnn],pr[mnist-cnn]")
    parser.add_argument("--matched-metrics", default="",
                        help="metrics for the matched run only, e.g. cluster[mnist-cnn]")
    parser.add_argument("--num-samples", type=int, default=1000)
    parser.add_argument("--cap", type=float, default=1800.0,
                        help="most CPU seconds the matched run may use (default 1800: "
                        "the 30 CPU-min budget)")
    parser.add_argument("--steps", type=int, default=None,
                        help="the reference's steps (default: its recipe's; for smoke tests)")
    parser.add_argument("--mixed-precision", default=None,
                        help="both legs' precision (default: each recipe's, i.e. auto), "
                        "e.g. bfloat16")
    parser.add_argument("--one-at-a-time", action="store_true",
                        help="train the reference to the end first, then the matched run "
                        "(for a machine whose rules allow one training process at a time; "
                        "the two then meet different loads)")
    parser.add_argument("--leg", choices=("reference", "matched"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.leg:
        return leg(args)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "reference.json").unlink(missing_ok=True)
    children = []
    for which in ("reference", "matched"):
        log = open(out / f"{which}.log", "w")
        children.append(subprocess.Popen(
            [sys.executable, __file__, *sys.argv[1:], "--leg", which],
            stdout=log, stderr=subprocess.STDOUT))
        if args.one_at_a_time and children[-1].wait():
            raise SystemExit(f"the {which} leg failed; see {out}/{which}.log")
    codes = [child.wait() for child in children]
    if any(codes):
        raise SystemExit(f"a leg failed ({codes}); see {out}/*.log")
    results = {}
    for which in ("reference", "matched"):
        record = json.loads((out / f"{which}.json").read_text())
        metrics = args.metrics + (f",{args.matched_metrics}"
                                  if which == "matched" and args.matched_metrics else "")
        record["metrics"] = evaluate_run(record["out"], metrics, args.num_samples)
        results[which] = record
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print("| run | recipe | steps | CPU s (to the end of training) | wall s | load "
          "before / after | fd[mnist-cnn] |")
    print("|---|---|---|---|---|---|---|")
    for which, r in results.items():
        print(f"| {which} | {r['recipe']} | {r['steps']} | {r['cpu_seconds']:.0f} | "
              f"{r['wall_seconds']:.0f} | {r['load_average'][0]} / {r['load_average'][1]} "
              f"| {r['metrics'].get('fd[mnist-cnn]', float('nan')):.2f} |")
    ratio = (results["matched"]["metrics"]["fd[mnist-cnn]"]
             / results["reference"]["metrics"]["fd[mnist-cnn]"])
    print(f"{args.matched} / {args.reference} fd[mnist-cnn] = {ratio:.3f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()

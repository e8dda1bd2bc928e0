"""Training recipes as a user runs them, for the comparison benchmarks:
one subprocess per run, its wall and CPU time and the machine's load
recorded beside it (RUN/timing.json), and a finished run reused."""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path


def arguments(doc, out, num, checkpoint=False):
    """The benchmarks' common flags: --out (runs folder), --steps (of every
    run; default the recipe's) and --num (samples per measurement), and with
    `checkpoint` --checkpoint (see `trained_run`). Add a script's own flags
    to the parser returned."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--out", default=out)
    parser.add_argument("--steps", type=int, default=None,
                        help="training steps of every run (default: the recipe's)")
    parser.add_argument("--num", type=int, default=num, help="samples per measurement")
    parser.add_argument("--mixed-precision", default=None,
                        help="every run's precision (default: the recipe's, i.e. auto), "
                             "e.g. bfloat16")
    if checkpoint:
        parser.add_argument("--checkpoint", type=int, default=None,
                            help="score the run's checkpoint at this step (training may "
                                 "still be going on) instead of training or its newest one")
    return parser


def trained_run(recipe, args):
    """(timing, model, config) of the run at args.out: trained first (or
    reused, `train_recipe`), or, with --checkpoint STEP, that checkpoint as
    it is, with no training."""
    from tfgan_zoo.rundir.run import load_run
    timing = (train_recipe(recipe, args.out, *step_flags(args)) if args.checkpoint is None
              else {"checkpoint": args.checkpoint})
    model, config = load_run(args.out, step=args.checkpoint)
    return timing, model, config


def each_checkpoint(run_dir):
    """(step, model) for every checkpoint a run directory keeps, oldest first;
    the steps are listed without loading a model."""
    from tfgan_zoo.rundir.checkpoint import CheckpointDir
    from tfgan_zoo.rundir.run import load_run
    for step in CheckpointDir(Path(run_dir) / "checkpoints").steps():
        yield step, load_run(run_dir, step)[0]


def raw_and_average(model, raw, average):
    """{raw: the trained generator, average: its EMA where the run keeps one}:
    what a checkpoint curve reads, under the labels its rows carry."""
    nets = {raw: model.generator}
    if getattr(model, "generator_ema", None) is not None:
        nets[average] = model.generator_ema
    return nets


def step_flags(args):
    """The recipe flags every run of a benchmark shares: --steps and
    --mixed-precision where given."""
    flags = [] if args.steps is None else ["--steps", args.steps]
    if getattr(args, "mixed_precision", None):
        flags += ["--mixed-precision", args.mixed_precision]
    return flags


def train_recipe(recipe, out, *flags):
    """Run `python -m tfgan_zoo.recipes.<recipe> --out OUT FLAGS` unless OUT
    already holds its export; its output goes to OUT/train.log. Returns
    {"wall_s", "cpu_s", "load"}: the child's user+system CPU seconds and
    the 1-minute load average before and after (a shared machine inflates wall time, not CPU time)."""
    out = Path(out)
    timing = out / "timing.json"
    if (out / "export").is_dir() and timing.is_file():
        return json.loads(timing.read_text())
    load, start = os.getloadavg()[0], time.time()
    command = [sys.executable, "-m", f"tfgan_zoo.recipes.{recipe}", "--out", str(out),
               *map(str, flags)]
    print("$", " ".join(command[1:]), flush=True)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "train.log", "w") as log:  # the trainer's precision / XLA line
        child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        # wait4 reads this child's own CPU, so runs may train in parallel threads
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    result = {"command": " ".join(["python"] + command[1:]),
              "wall_s": round(time.time() - start, 1),
              "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
              "load": [round(load, 2), round(os.getloadavg()[0], 2)]}
    timing.write_text(json.dumps(result, indent=2))
    return result


def softmax(logits):
    import numpy as np
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)

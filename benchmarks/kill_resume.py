"""SIGKILL a recipe run N times at random moments, resume it each time, and
check that it finishes at the target step with the weights of an
uninterrupted run of the same seed.

    python benchmarks/kill_resume.py                         # DCGAN, 5 kills
    python benchmarks/kill_resume.py --kills 10 --steps 100 --recipe wgan_gp \\
        -- --image-size 16 --ngf 8 --ndf 8                   # flags after -- go to the recipe

The reference run trains straight to --steps. The killed run is started,
SIGKILLed after a uniformly random time over what that start has left to do
(its start-up, as measured on the reference run, plus the reference run's
training time scaled to the steps not yet checkpointed, at least a tenth
of it), so kills land in start-up, training, checkpoint writes and the
end-of-run export alike; it is started again with the same command, N
times, then runs to the end. Weights of the final checkpoints are
compared: a resumed run restores weights, optimizer slots and the noise
seed, and skips the batches already trained on, so up to floating-point
reassociation it repeats the uninterrupted run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tfgan_zoo.rundir.checkpoint import CheckpointDir  # noqa: E402


def environment():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    return env


def command(args, out):
    return [sys.executable, "-m", f"tfgan_zoo.recipes.{args.recipe}", "--steps",
            str(args.steps), "--checkpoint-every", str(args.checkpoint_every),
            "--sample-every", str(args.checkpoint_every), "--seed", str(args.seed),
            "--no-report", "--out", str(out), *args.recipe_flags]


def run_to_end(args, out):
    """(wall seconds, seconds until training began) of a run to the end."""
    started, began = time.time(), None
    process = subprocess.Popen(command(args, out), env=environment(), text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while process.poll() is None:
        if began is None and (out / "samples").is_dir() and any((out / "samples").iterdir()):
            began = time.time() - started
        time.sleep(0.2)
    err = process.stderr.read()
    if process.returncode != 0:
        sys.exit(f"run failed ({process.returncode}):\n{err[-3000:]}")
    span = time.time() - started
    return span, began if began is not None else 0.0


def weights(run_dir):
    """{variable path: array} of a run's newest checkpoint (every saved
    variable: networks, optimizer slots, noise seed)."""
    import tensorflow as tf
    ckpt = CheckpointDir(Path(run_dir) / "checkpoints")
    path = str(ckpt.path(ckpt.latest()) / "ckpt")
    reader = tf.train.load_checkpoint(path)
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()
            if not name.startswith("_CHECKPOINTABLE")}


def phase_of(out, before, target):
    """Where the killed process was, judged from its run directory."""
    steps = CheckpointDir(out / "checkpoints").steps()
    if list(out.glob(".export.tmp-*")):
        return "exporting (its temporary export directory is left)"
    if steps and steps[-1] == target:
        return "at the last step (exporting, or done)"
    if not (out / "model.json").exists():
        return "starting (no model.json yet)"
    if steps == before:
        return "starting or training (no new checkpoint)"
    return f"training (checkpoints up to {steps[-1]})"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipe", default="dcgan")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--checkpoint-every", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kill-seed", type=int, default=1, help="seed of the kill moments")
    parser.add_argument("--keep", default=None, help="keep the two run directories here")
    parser.add_argument("recipe_flags", nargs="*", help="after --: flags for the recipe")
    args = parser.parse_args(argv)
    work = Path(args.keep or tempfile.mkdtemp(prefix="tfgan_zoo-kill-resume-"))
    work.mkdir(parents=True, exist_ok=True)
    reference, killed = work / "reference", work / "killed"
    for path in (reference, killed):
        shutil.rmtree(path, ignore_errors=True)
    print("command:", " ".join(command(args, "OUT")), flush=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)

    span, startup = run_to_end(args, reference)
    print(f"reference run: {span:.1f} s wall to step {args.steps}, training began after "
          f"{startup:.1f} s", flush=True)

    rng = random.Random(args.kill_seed)
    rows = []
    for i in range(1, args.kills + 1):
        before = CheckpointDir(killed / "checkpoints").steps()
        # Uniform over what this start has left to do: start-up, the steps
        # not yet checkpointed, and the export at the end.
        left = 1 - (before[-1] if before else 0) / args.steps
        delay = rng.uniform(0, startup + (span - startup) * max(left, 0.1))
        process = subprocess.Popen(command(args, killed), env=environment(),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        finished = process.poll() is not None
        if not finished:
            process.send_signal(signal.SIGKILL)
        out, err = process.communicate()
        resumed = next((l for l in out.splitlines() if l.startswith("Resumed from")), "")
        rows.append({"kill": i, "after_s": delay, "finished_first": finished,
                     "exit": process.returncode, "phase": phase_of(killed, before, args.steps),
                     "latest": CheckpointDir(killed / "checkpoints").latest(),
                     "lock_left": (killed / "lock.json").exists(),
                     "resumed_from": resumed.split(" (")[0].replace("Resumed from checkpoint "
                                                                    "at step ", "") or "-",
                     "took_over": "Taking over the lock" in err})
        if finished and process.returncode != 0:
            sys.exit(f"run {i} failed by itself ({process.returncode}):\n{err[-3000:]}")
        r = rows[-1]
        print(f"kill {i}: after {delay:5.1f} s, {'finished before the kill' if finished else 'SIGKILL'}"
              f" while {r['phase']}; started from step {r['resumed_from']}, newest checkpoint "
              f"{r['latest']}, lock left: {r['lock_left']}, took over a lock: {r['took_over']}",
              flush=True)
    run_to_end(args, killed)
    reached = CheckpointDir(killed / "checkpoints").latest()
    a, b = weights(reference), weights(killed)
    same_names = sorted(a) == sorted(b)
    diffs = {k: float(np.max(np.abs(a[k].astype(np.float64) - b[k].astype(np.float64))))
             if a[k].size else 0.0 for k in a if k in b}
    worst = max(diffs, key=diffs.get)
    exact = sum(d == 0.0 for d in diffs.values())
    leftovers = [p.name for p in [*(killed / "checkpoints").iterdir(), *killed.iterdir()]
                 if p.name.startswith(".")]
    print(f"\nfinal resume: newest checkpoint {reached} (target {args.steps}); "
          f"{'OK' if reached == args.steps else 'WRONG STEP'}")
    print(f"weights: {len(diffs)} saved tensors, same names: {same_names}; "
          f"{exact} bit-identical; largest difference {diffs[worst]:.3g} ({worst})")
    print(f"leftover temporary entries in checkpoints/: {leftovers or 'none'}")
    times = os.times()
    print(f"load average at end: {os.getloadavg()[0]:.1f}; CPU time of all runs "
          f"{(times.children_user + times.children_system) / 60:.1f} min")
    ok = reached == args.steps and same_names and diffs[worst] <= 1e-5
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

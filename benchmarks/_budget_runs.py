"""Helpers the Image GANs II benchmarks share: train a recipe with
overrides (timing its CPU), stop a run at a CPU-time budget, read a run's
TensorBoard scalars, and score its export with `python -m tfgan_zoo.evaluate`.

CPU time (user + system of this process, all threads) stands in for wall
time: the machines these run on are shared, so "equal wall time" is
measured as equal CPU time.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import keras

from _timing import cpu_seconds


class CPUBudget(keras.callbacks.Callback):
    """Counts this process's CPU time from its creation (just before the
    trainer loads data and builds the model) to the end of training, and
    stops training once it reaches `seconds` (None: never)."""

    def __init__(self, seconds=None):
        super().__init__()
        self.seconds, self.start, self.used = seconds, cpu_seconds(), None

    def on_train_batch_end(self, batch, logs=None):
        if self.seconds and cpu_seconds() - self.start >= self.seconds:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        self.used = cpu_seconds() - self.start


def train_recipe(name, out, cpu_budget=None, **overrides):
    """Train recipe `name` (its RECIPE with `overrides`; keys that are not
    Config fields go to model_args) into `out`, stopping at `cpu_budget`
    seconds if given. Returns a dict with the steps trained, the CPU seconds
    up to the end of training, the wall seconds (export included) and the
    load average before and after."""
    return train_model(name, out, cpu_budget, (), **overrides)[1]


def train_model(name, out, cpu_budget=None, callbacks=(), **overrides):
    """`train_recipe` with extra Keras `callbacks`; returns the trained
    model and the record."""
    from tfgan_zoo.recipes import get_recipe
    from tfgan_zoo.training.trainer import train

    recipe = get_recipe(name).RECIPE
    fields = {f.name for f in dataclasses.fields(recipe)}
    model_args = {**recipe.model_args,
                  **{k: v for k, v in overrides.items() if k not in fields}}
    config = dataclasses.replace(recipe, out=str(out), model_args=model_args,
                                 **{k: v for k, v in overrides.items() if k in fields})
    load, wall = os.getloadavg()[0], time.time()
    budget = CPUBudget(cpu_budget)
    model = train(config, verbose=0, callbacks=[budget, *callbacks])
    steps = int(model.g_optimizer.iterations)
    return model, {"recipe": name, "out": str(out), "overrides": overrides, "steps": steps,
                   "cpu_seconds": round(budget.used, 1),  # data, build and training
                   "wall_seconds": round(time.time() - wall, 1),
                   "load_average": [round(load, 1), round(os.getloadavg()[0], 1)]}


def scalar_series(run_dir, tag):
    """[(step, value)] of a TensorBoard scalar the trainer logged."""
    import tensorflow as tf

    found = {}
    for path in sorted(Path(run_dir, "logs").glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                if value.tag == tag:
                    found[event.step] = float(tf.make_ndarray(value.tensor))
    return sorted(found.items())


def evaluate_run(run_dir, metrics, num_samples=1000, seed=0):
    """`python -m tfgan_zoo.evaluate RUN --metrics ... --num-samples N`;
    returns its metrics dict."""
    from tfgan_zoo.evaluate import main

    output = Path(run_dir) / "eval" / f"benchmark-n{num_samples}-seed{seed}.json"
    code = main([str(run_dir), "--metrics", metrics, "--num-samples", str(num_samples),
                 "--seed", str(seed), "--output", str(output)])
    if code:
        raise SystemExit(f"evaluation of {run_dir} failed")
    return json.loads(output.read_text())["metrics"]

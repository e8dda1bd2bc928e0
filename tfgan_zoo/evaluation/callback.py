"""A Keras callback that logs a sample-quality metric during training.

    cb = MetricCallback("fid", every_steps=1000, num_samples=500, dataset="mnist5k")
    model.fit(..., callbacks=[cb])        # cb.history: [{"step": 1000, "fid": ...}]

It works with any model exposing `.latent_dim`, `.num_classes` (int or None)
and `.generate(z, labels=None)` -> float32 NHWC in [-1, 1]. The same z (and
labels) are used at every evaluation, so changes come from the generator,
not from resampling. Real-side features are computed once and cached (see
`tfgan_zoo.evaluate.reference_features`).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import keras

from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation.samples import evaluate_images, parse_metrics, sample_latents


class MetricCallback(keras.callbacks.Callback):
    """Every `every_steps` training steps, compute `metric` (one of
    tfgan_zoo.evaluate's names: fid, kid, pr, dc, score[C], fd[C]) on
    `num_samples` generated images against `dataset`, or against `real`
    = (images, labels) arrays given directly.

    Values go to `self.history`, into the batch's `logs` dict (so later
    callbacks such as TensorBoard see them), to stdout, and, with
    `log_path`, as one JSON line per evaluation. Pass the trainer's
    `state` (any object with `.step`) so a resumed run counts from its
    global step. Other keyword arguments (num_real, fid_weights, batch_size,
    kid_subsets, ...) go to `tfgan_zoo.evaluate.evaluate_images`."""

    def __init__(self, metric="fid", every_steps=1000, num_samples=500, dataset=None,
                 real=None, split="train", data_dir=None, seed=0, log_path=None,
                 state=None, generate_batch_size=100, **evaluate_kwargs):
        super().__init__()
        if int(every_steps) < 1:
            raise UserError(f"every_steps must be at least 1, got {every_steps}")
        self.metric = parse_metrics(metric)[0]
        self.every_steps, self.num_samples = int(every_steps), int(num_samples)
        self.dataset, self.real, self.split, self.data_dir = dataset, real, split, data_dir
        self.seed, self.state, self.batch_size = seed, state, int(generate_batch_size)
        self.log_path = Path(log_path) if log_path else None
        self.evaluate_kwargs = evaluate_kwargs
        self.history = []
        self._steps = self._bucket = 0
        self._latents = None

    def _step(self):
        return int(self.state.step) if self.state is not None else self._steps

    def generate(self):
        if self._latents is None:
            self._latents = sample_latents(self.model.latent_dim, self.num_samples,
                                           self.seed, getattr(self.model, "num_classes", None))
        z, labels = self._latents
        out = []
        for i in range(0, len(z), self.batch_size):
            batch_labels = None if labels is None else labels[i:i + self.batch_size]
            out.append(np.asarray(self.model.generate(z[i:i + self.batch_size],
                                                      labels=batch_labels)))
        return np.concatenate(out)

    def evaluate(self) -> dict:
        """Compute the metric now; returns the metric values."""
        started = time.time()
        result = evaluate_images(self.generate(), [self.metric], dataset=self.dataset,
                                 real=self.real, split=self.split,
                                 data_dir=self.data_dir, **self.evaluate_kwargs)
        values = result["metrics"]
        record = {"step": self._step(), **values,
                  "seconds": round(time.time() - started, 1)}
        self.history.append(record)
        shown = ", ".join(f"{k} {v:.5g}" for k, v in values.items())
        print(f"\nstep {record['step']}: {shown} ({self.num_samples} samples, "
              f"{record['seconds']} s)", file=sys.stdout)
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.log_path, "a") as f:
                f.write(json.dumps({**record, "protocol": result["protocol"]},
                                   default=str) + "\n")
        return values

    def on_train_begin(self, logs=None):
        self._bucket = self._step() // self.every_steps

    def on_train_batch_end(self, batch, logs=None):
        self._steps += int(getattr(self.model, "steps_per_execution", 1) or 1)
        # Compare buckets, not `step % every == 0`: with steps_per_execution
        # > 1 the step jumps over multiples.
        bucket = self._step() // self.every_steps
        if bucket > self._bucket:
            self._bucket = bucket
            values = self.evaluate()
            if logs is not None:
                logs.update(values)

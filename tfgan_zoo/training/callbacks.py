"""Keras callbacks of a training run: step counting, NaN guard, checkpoints,
sample grids and TensorBoard.

They share one `RunState`, which turns Keras's per-epoch batch index into the
run's global step (a resumed run starts in the middle) and remembers whether
training diverged, so a checkpoint is never written from a bad state, or was
interrupted by a signal (`save_on_signal`), so one is written at once.
"""

from __future__ import annotations

import contextlib
import math
import signal
import sys
import threading

import numpy as np
import tensorflow as tf
import keras

from tfgan_zoo.images import make_grid
from tfgan_zoo.samples import write_preview


def to_float(value):
    return float(np.asarray(value).reshape(-1)[0])


class RunState:
    def __init__(self, start_step, total_steps, epoch_steps):
        self.start_step = start_step
        self.total_steps = total_steps
        self.epoch_steps = epoch_steps
        self.step = self.prev_step = start_step
        self.initial_epoch = start_step // epoch_steps
        self.epoch_base = start_step
        self.diverged = None  # (step, name, value) once non-finite
        self.interrupted = None  # the signal number once one arrived
        self.logs = {}

    def crossed(self, every):
        """True when the last batch (or execution) passed a multiple of
        `every`; with steps_per_execution > 1 the step jumps."""
        return self.step // every > self.prev_step // every


@contextlib.contextmanager
def save_on_signal(state: RunState, signals=(signal.SIGTERM,)):
    """While training, a SIGTERM (a scheduler's pre-emption notice) only
    marks `state`; the `Checkpointer` then saves at the current step and
    stops training, as tf.distribute's PreemptionCheckpointHandler does for
    TF's own loops. The previous handlers come back afterwards. Outside the
    main thread (signals cannot be caught there) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield state
        return

    def mark(number, frame):
        state.interrupted = number
        print(f"\nReceived {signal.Signals(number).name}: saving a checkpoint at the "
              "current step, then stopping.", file=sys.stderr, flush=True)

    previous = {s: signal.signal(s, mark) for s in signals}
    try:
        yield state
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class StepCounter(keras.callbacks.Callback):
    """Keeps `RunState.step` and stops exactly at the requested step."""

    def __init__(self, state: RunState):
        super().__init__()
        self.state = state

    def on_epoch_begin(self, epoch, logs=None):
        # Epochs are display chunks; the step runs on from wherever the
        # previous epoch (or the restored checkpoint) left it.
        self.state.epoch_base = self.state.step

    def on_train_batch_end(self, batch, logs=None):
        self.state.prev_step = self.state.step
        self.state.step = self.state.epoch_base + batch + 1
        self.state.logs = {k: to_float(v) for k, v in (logs or {}).items()}
        if self.state.step >= self.state.total_steps:
            self.model.stop_training = True


class NaNGuard(keras.callbacks.Callback):
    """Stops training on a non-finite loss, with a clear message; the
    checkpointer then writes nothing, so the last good checkpoint stays."""

    def __init__(self, state: RunState):
        super().__init__()
        self.state = state

    def on_train_batch_end(self, batch, logs=None):
        for name, value in self.state.logs.items():
            if not math.isfinite(value):
                self.state.diverged = (self.state.step, name, value)
                self.model.stop_training = True
                print(f"\nTraining diverged: {name} = {value} at step "
                      f"{self.state.step}. Stopped; the last good checkpoint is "
                      "kept. Lower the learning rates or change the loss, then "
                      "re-run to resume from it.", file=sys.stderr)
                return


class Checkpointer(keras.callbacks.Callback):
    """Writes a checkpoint every `every` steps and when training ends."""

    def __init__(self, state: RunState, checkpoints, every):
        """A checkpoint every `every` steps, at the end, and at once when a
        signal interrupted training (`save_on_signal`)."""
        super().__init__()
        self.state, self.checkpoints, self.every = state, checkpoints, every
        self.saved_step = state.start_step

    def save(self):
        if self.state.diverged or self.state.step == self.saved_step:
            return
        # The averaged generator's batch-norm statistics, re-estimated for
        # its weights: what the checkpoint, its samples and export hold.
        if hasattr(self.model, "recalibrate_ema"):
            self.model.recalibrate_ema()
        self.checkpoints.save(self.state.step, logs=self.state.logs)
        self.saved_step = self.state.step

    def on_train_batch_end(self, batch, logs=None):
        if self.state.crossed(self.every) or self.state.interrupted:
            self.save()
        if self.state.interrupted:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        self.save()


class SampleGrid(keras.callbacks.Callback):
    """Writes `samples/step-XXXXXXXX.<suffix>` from fixed generator inputs
    every `every` steps (and at the end): the preview of the model's
    `sample_kind` (tfgan_zoo.samples: a PNG grid for images, a text for
    tokens, plots, a GIF, ...), plus image grids to TensorBoard."""

    def __init__(self, state: RunState, directory, inputs, every, writer=None):
        super().__init__()
        self.state, self.directory, self.every = state, directory, every
        self.inputs = {k: tf.convert_to_tensor(v) for k, v in inputs.items()}
        self.writer = writer
        self.last_step = None

    def write(self):
        step = self.state.step
        if step == self.last_step or self.state.diverged:
            return
        samples = self.model.generate_from(self.inputs).numpy()
        write_preview(self.model, self.directory / f"step-{step:08d}", samples)
        if self.writer is not None and self.model.sample_kind == "images":
            with self.writer.as_default():
                tf.summary.image("samples", make_grid(samples)[None], step=step)
        self.last_step = step

    def on_train_begin(self, logs=None):
        if self.state.start_step == 0:
            self.write()  # what an untrained generator draws, for comparison

    def on_train_batch_end(self, batch, logs=None):
        if self.state.crossed(self.every):
            self.write()

    def on_train_end(self, logs=None):
        self.write()


class ScalarLogger(keras.callbacks.Callback):
    """TensorBoard scalars at the run's global step (Keras's own TensorBoard
    callback restarts its step count on resume)."""

    def __init__(self, state: RunState, writer, every):
        super().__init__()
        self.state, self.writer, self.every = state, writer, every

    def on_train_batch_end(self, batch, logs=None):
        if self.state.crossed(self.every) and not self.state.diverged:
            with self.writer.as_default():
                for name, value in self.state.logs.items():
                    tf.summary.scalar(name, value, step=self.state.step)
            self.writer.flush()

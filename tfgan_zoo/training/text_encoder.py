"""Phase 1 of the text-to-image recipes: train (or resume) the joint
text-image embedding of `tfgan_zoo.text.encoder` on a captioned dataset and
write the encoder directory the GANs load."""

from __future__ import annotations

import json
import math
import os
import signal
from pathlib import Path

import keras
import tensorflow as tf

from tfgan_zoo.data import load_dataset, shapes
from tfgan_zoo.errors import Interrupted, UserError
from tfgan_zoo.files import read_json, write_atomic, writing
from tfgan_zoo.text.encoder import CONFIG_FILE, ENCODER_ARGS, WEIGHTS_FILE, JointEmbedding
from tfgan_zoo.rundir.checkpoint import CheckpointDir
from tfgan_zoo.rundir.run import RunLock
from tfgan_zoo.training import callbacks as cb


def train_text_encoder(out, *, dataset="shapes_captions", data_dir=None, image_size=32,
                       vocabulary=None, max_length=16, word_dim=64, text_hidden=128,
                       embedding_dim=128, steps=1500, batch_size=64, learning_rate=1e-3,
                       seed=0, checkpoint_every=500, epoch_steps=100, verbose=1):
    """Train (or resume) the joint embedding; writes the encoder directory
    `out` and returns it. Re-running with the same `out` resumes (from the
    newest checkpoint that reads); one process at a time (`RunLock`)."""
    out = Path(out)
    with RunLock(out):
        return _train(out, dataset, data_dir, image_size, vocabulary, max_length, word_dim,
                      text_hidden, embedding_dim, steps, batch_size, learning_rate, seed,
                      checkpoint_every, epoch_steps, verbose)


def _train(out, dataset, data_dir, image_size, vocabulary, max_length, word_dim, text_hidden,
           embedding_dim, steps, batch_size, learning_rate, seed, checkpoint_every,
           epoch_steps, verbose):
    vocabulary = tuple(vocabulary or shapes.VOCABULARY)
    settings = {"dataset": dataset, "image_size": image_size, "vocabulary": list(vocabulary),
                "max_length": max_length, "word_dim": word_dim, "text_hidden": text_hidden,
                "embedding_dim": embedding_dim, "batch_size": batch_size,
                "learning_rate": learning_rate, "seed": seed}
    run_file = out / "run.json"
    if run_file.is_file():
        saved = read_json(run_file, "text encoder settings",
                          "restore it from a copy, or delete the encoder directory to "
                          "train it afresh")
        changed = [k for k in settings if saved.get(k) != settings[k]]
        if changed:
            raise UserError(f"{out} holds a text encoder trained with different "
                            f"{', '.join(changed)}: pass a new --out or the same settings")
    write_atomic(run_file, json.dumps(settings, indent=2).encode(), "the text encoder settings")

    tf.keras.utils.set_random_seed(seed)
    data = load_dataset(dataset, batch_size=batch_size, image_size=image_size,
                        data_dir=data_dir, seed=seed)
    contrast = "contrast_tokens" in data.dataset.element_spec[1]
    model = JointEmbedding(image_shape=data.image_shape, vocabulary=vocabulary,
                           max_length=max_length, word_dim=word_dim,
                           text_hidden=text_hidden, embedding_dim=embedding_dim,
                           contrast=contrast, seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    model.build_networks()
    model.optimizer.build(model.trainable_variables)
    checkpoints = CheckpointDir(out / "checkpoints", model, keep=2)
    start = checkpoints.restore_latest(set_aside=True) or 0
    if start:
        print(f"Resumed the text encoder at step {start}; training to step {steps}.")
    if start < steps:
        state = cb.RunState(start, steps, epoch_steps)
        callbacks = [cb.StepCounter(state), cb.NaNGuard(state),
                     cb.Checkpointer(state, checkpoints, checkpoint_every)]
        with cb.save_on_signal(state):
            model.fit(data.dataset.skip(start), epochs=math.ceil(steps / epoch_steps),
                      initial_epoch=state.initial_epoch, steps_per_epoch=epoch_steps,
                      callbacks=callbacks, verbose=verbose, shuffle=False)  # data shuffles itself
        if state.interrupted:
            raise Interrupted(f"text encoder training stopped by "
                              f"{signal.Signals(state.interrupted).name} at step {state.step} "
                              "after saving a checkpoint: re-run the same command to resume",
                              state.interrupted)
        if state.diverged:
            raise UserError(f"text encoder training diverged at step {state.diverged[0]}: "
                            "lower --encoder-lr and re-run to resume")
        logs = state.logs
    else:
        logs = checkpoints.restore(start).get("logs", {})
    # Atomic, like every file a later phase reads: written beside, then renamed.
    tmp = out / f".{os.getpid()}-{WEIGHTS_FILE}"
    with writing(out / WEIGHTS_FILE, "the text encoder weights"):
        model.text_encoder.save_weights(str(tmp))
        os.replace(tmp, out / WEIGHTS_FILE)
    config = {k: settings[k] for k in ENCODER_ARGS}
    config.update(trained_steps=max(start, steps), dataset=dataset,
                  final={k: float(v) for k, v in (logs or {}).items()})
    write_atomic(out / CONFIG_FILE, json.dumps(config, indent=2).encode(),
                 "the text encoder description")
    return out

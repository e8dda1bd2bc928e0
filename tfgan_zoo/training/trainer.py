"""The trainer: one place that turns a `Config` into a trained, checkpointed
and exported run directory.

    RUN/config.json           the full configuration
    RUN/model.json            the model's name and constructor config
    RUN/lock.json             pid and host of the one process writing the run
    RUN/checkpoints/ckpt-N/   atomic checkpoints, the last K kept
    RUN/samples/step-N.png    grids from fixed noise
    RUN/logs/                 TensorBoard scalars and image grids
    RUN/export/               the generator as a SavedModel (when training ends)

Re-running with the same directory resumes from the newest checkpoint that
reads. SIGTERM (a scheduler's pre-emption) saves a checkpoint at the current
step before the process exits; SIGKILL at any moment leaves a run that
resumes from its last checkpoint.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import signal
import socket
from pathlib import Path

import tensorflow as tf
import keras

from tfgan_zoo import devices, optimizers
from tfgan_zoo.cli import fail
from tfgan_zoo.config import Config, parse_args, validate
from tfgan_zoo.data import load_dataset
from tfgan_zoo.errors import Interrupted, UserError
from tfgan_zoo.export.saved_model import export_saved_model
from tfgan_zoo.files import remove_leftovers
from tfgan_zoo.registry import build_model, get_model_class, model_family
from tfgan_zoo.rundir.checkpoint import CheckpointDir, first_line
from tfgan_zoo.rundir.run import (RunLock, path_names, prepare_run_dir, resolve_paths,
                                  write_model_description)
from tfgan_zoo.training import callbacks as cb


TF_CONFIG_EXAMPLE = ('{"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
                     '"task": {"type": "worker", "index": 0}}')


def check_tf_config(text):
    """The cluster of a TF_CONFIG value, checked: a JSON object whose
    `cluster` maps task types to "host:port" lists and whose `task` names
    one of them by type and index. Raises a one-line UserError."""
    fix = f"set TF_CONFIG to JSON like {TF_CONFIG_EXAMPLE} (see README)"
    try:
        value = json.loads(text)
    except ValueError as e:
        raise UserError(f"TF_CONFIG is not valid JSON ({e.msg} at character {e.pos}): "
                        f"{fix}") from None
    cluster = value.get("cluster") if isinstance(value, dict) else None
    if not isinstance(cluster, dict) or not cluster:
        raise UserError(f"TF_CONFIG has no \"cluster\" object: {fix}")
    for kind, addresses in cluster.items():
        addresses = list(addresses.values()) if isinstance(addresses, dict) else addresses
        if not isinstance(addresses, list) or not addresses:
            raise UserError(f"TF_CONFIG's cluster \"{kind}\" must list \"host:port\" "
                            f"addresses: {fix}")
        for address in addresses:
            host, _, port = str(address).rpartition(":")
            if not isinstance(address, str) or not host or not port.isdigit() \
                    or not 0 < int(port) < 65536:
                raise UserError(f"TF_CONFIG's cluster \"{kind}\" has the address "
                                f"{address!r}, not \"host:port\": {fix}")
    task = value.get("task")
    if not isinstance(task, dict) or task.get("type") not in cluster:
        raise UserError(f"TF_CONFIG's \"task\" must name a task type of the cluster "
                        f"({', '.join(cluster)}) and an index: {fix}")
    index, size = task.get("index", 0), len(cluster[task["type"]])
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < size:
        raise UserError(f"TF_CONFIG's task index {index!r} is outside its cluster's "
                        f"{size} \"{task['type']}\" address(es): pass 0 to {size - 1}")
    return cluster


def resolve_strategy(name):
    """default, mirrored (every GPU, else every logical CPU), multiworker
    (from TF_CONFIG) or tpu (from TPU_NAME, '' for a local TPU VM)."""
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = [d.name for d in gpus or tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(devices)
    if name == "multiworker":
        if not os.environ.get("TF_CONFIG", "").strip():
            raise UserError("--strategy multiworker needs the TF_CONFIG environment "
                            f"variable describing the cluster, e.g. {TF_CONFIG_EXAMPLE} "
                            "(see README)")
        check_tf_config(os.environ["TF_CONFIG"])
        try:
            return tf.distribute.MultiWorkerMirroredStrategy()
        except (ValueError, RuntimeError, tf.errors.OpError) as e:
            raise UserError(f"cannot start the MultiWorker cluster of TF_CONFIG "
                            f"({first_line(e)}): check its addresses and ports") from None
    if name == "tpu":
        check_tpu_address(os.environ.get("TPU_NAME", ""))
        try:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver(
                tpu=os.environ.get("TPU_NAME", ""))
            tf.config.experimental_connect_to_cluster(resolver)
            tf.tpu.experimental.initialize_tpu_system(resolver)
            return tf.distribute.TPUStrategy(resolver)
        # ValueError, OpError, or URLError from the cloud metadata server a
        # TPU name is looked up in: whatever it is, there is no TPU here.
        except Exception as e:
            raise UserError(f"no TPU found ({first_line(e)}): run on a TPU VM or set "
                            "TPU_NAME to the TPU's name or grpc:// address") from None
    raise UserError(f"unknown strategy '{name}': choose default, mirrored, "
                    "multiworker or tpu")


def check_tpu_address(name, timeout=10.0):
    """A `grpc://host:port` TPU_NAME must accept a connection: TF's TPU
    initialisation waits for an unreachable address without end."""
    if not name.startswith("grpc://"):
        return  # a TPU name, or '' for a local TPU VM: TF looks it up
    host, _, port = name[len("grpc://"):].rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except (OSError, ValueError) as e:
        raise UserError(f"no TPU answers at TPU_NAME={name} ({type(e).__name__}: "
                        f"{first_line(e)}): run on a TPU VM or set TPU_NAME to the TPU's "
                        "name or a reachable grpc://host:port address") from None


def resolve_speed(config: Config):
    """The config with `auto` precision and XLA decided for this machine and
    model family (`tfgan_zoo.devices`), and the line that says what a run
    uses."""
    if config.strategy == "tpu":
        here = devices.Devices("tpu", 1, "TPU", devices.CPU_CLASS)
    else:
        here = devices.local_devices()
    family = model_family(config.model)
    precision, why_precision = config.mixed_precision, "set"
    if precision == "auto":
        precision, why_precision = devices.choose_precision(here, family)
        why_precision = "auto: " + why_precision
    jit, why_jit = config.jit_compile, "set"
    if jit == "auto":
        jit, why_jit = devices.choose_jit(here, family, config.strategy)
        why_jit = "auto: " + why_jit
    line = devices.describe(here, precision, jit, why_precision, why_jit)
    return dataclasses.replace(config, mixed_precision=precision, jit_compile=jit), line


def is_chief(strategy):
    """Only the chief writes checkpoints, samples, logs and exports."""
    return getattr(strategy.extended, "should_checkpoint", True)


def make_optimizer(config: Config, learning_rate, kind=None):
    """The run's optimizer (`kind`, default --optimizer) at `learning_rate`."""
    return optimizers.make_optimizer(kind or config.optimizer, learning_rate,
                                     beta_1=config.beta_1,
                                     beta_2=config.beta_2,
                                     mixed_precision=config.mixed_precision)


def build(config: Config, strategy, data):
    """Model and optimizers, built inside the strategy scope before fit."""
    config, _ = resolve_speed(config)  # `auto` XLA and precision, when not yet decided
    # Models with a schedule over the whole run (e.g. CycleGAN's learning-rate
    # decay over the second half) set `takes_total_steps`, and an EMA may
    # start late (`ema_start`); the length is --steps. Models that count
    # epochs (top-k training's k) set `takes_dataset_size`.
    model_class = get_model_class(config.model)
    run_args = ({"total_steps": config.steps}
                if getattr(model_class, "takes_total_steps", False) or model_class.supports_ema
                else {})
    if getattr(model_class, "takes_dataset_size", False):
        run_args["dataset_size"] = data.num_examples
    with strategy.scope():
        model = build_model(config.model, image_shape=data.image_shape,
                            num_classes=data.num_classes, seed=config.seed,
                            **{**run_args, **data.model_args, **config.model_args})
        extra = {f"{p}_optimizer": make_optimizer(config, config.g_lr)
                 for p in model.players if p not in ("generator", "discriminator")}
        model.compile(g_optimizer=make_optimizer(config, config.g_lr),
                      d_optimizer=make_optimizer(config, config.d_lr, config.d_optimizer),
                      jit_compile=config.jit_compile,
                      steps_per_execution=config.steps_per_execution, **extra)
        model.build_for_training()
    return model


def train(config: Config, verbose=1, callbacks=()):
    """Train (or resume) the run described by `config`; returns the model.
    `callbacks` are extra Keras callbacks (e.g. a benchmark's time budget,
    which may stop training before --steps).

    The chief holds the run directory's lock (`RunLock`) throughout, resumes
    from the newest checkpoint that reads, and on SIGTERM saves a checkpoint
    at the current step and raises `Interrupted`."""
    validate(config)
    config, device_line = resolve_speed(config)
    print(device_line)
    # The run's precision holds while its model is built and trained; the
    # process's own policy comes back afterwards (the model keeps its layers').
    policy = keras.mixed_precision.global_policy()
    if config.mixed_precision != "none":
        keras.mixed_precision.set_global_policy(f"mixed_{config.mixed_precision}")
    try:
        tf.keras.utils.set_random_seed(config.seed)
        strategy = resolve_strategy(config.strategy)
        chief = is_chief(strategy)
        out = Path(config.out)
        # Model paths typed relative to here are made absolute, then stored
        # relative to the run directory (rundir.run: relocatable runs).
        config = dataclasses.replace(config, model_args=resolve_paths(
            config.model_args, path_names(config.model), os.getcwd()))
        with RunLock(out) if chief else contextlib.nullcontext():
            return _train(config, strategy, chief, out, verbose, callbacks)
    finally:
        keras.mixed_precision.set_global_policy(policy)


def _train(config, strategy, chief, out, verbose, callbacks=()):
    if chief:  # the lock holder: whatever a killed writer left is garbage
        for name in ("config.json", "model.json", "export"):
            remove_leftovers(out / name)
    prepare_run_dir(config, out, chief)
    data = load_dataset(config.dataset, batch_size=config.batch_size,
                        image_size=config.image_size, channels=config.channels,
                        data_dir=config.data_dir, seed=config.seed)
    model = build(config, strategy, data)
    if chief:
        write_model_description(out, config.model, model)
    dataset = batches_per_step(data.dataset, model.n_critic)

    checkpoints = CheckpointDir(out / "checkpoints", model,
                                keep=config.keep_checkpoints, is_chief=chief)
    with strategy.scope():
        start = checkpoints.restore_latest(set_aside=chief) or 0
    if start:
        print(f"Resumed from checkpoint at step {start} "
              f"({checkpoints.path(start)}); training to step {config.steps}.")
    if start >= config.steps:
        print(f"Run already at step {start} >= --steps {config.steps}; "
              "nothing to train.")
    else:
        # The data order is seeded: skipping the batches already trained on
        # makes a resumed run see what an uninterrupted one would have.
        state = fit(model, dataset.skip(start), config, start, checkpoints, out, chief,
                    verbose, callbacks)
        if state.diverged:
            step, name, value = state.diverged
            raise UserError(f"training diverged at step {step} ({name} = {value}); "
                            f"the last good checkpoint in {out / 'checkpoints'} is "
                            "kept: lower the learning rates and re-run to resume")
        if state.interrupted:
            raise Interrupted(f"training stopped by {signal.Signals(state.interrupted).name} "
                              f"at step {state.step}, after saving "
                              f"{checkpoints.path(checkpoints.latest() or 0)}: re-run the "
                              "same command to resume", state.interrupted)
    if config.export and chief:
        # The end-of-run export's version is its training step: a later,
        # longer run exports a higher version (see export.card).
        model.step = checkpoints.latest() or 0
        path = export_saved_model(model, out / "export", config=config.to_dict(),
                                  version=model.step or None, run_dir=out, overwrite=True)
        print(f"Exported the {'generator' if model.draws_images else 'classifier'} "
              f"to {path}")
    return model


def batches_per_step(dataset, n):
    """Feed n real batches per step (one per critic update) as one batch."""
    if n == 1:
        return dataset
    merge = lambda t: tf.reshape(t, tf.concat([[-1], tf.shape(t)[2:]], 0))
    return (dataset.batch(n, drop_remainder=True)
            .map(lambda *x: tuple(map(merge, x)) if len(x) > 1 else merge(x[0]),
                 num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE))


def fit(model, dataset, config, start, checkpoints, out, chief, verbose, extra=()):
    # Epochs are display chunks of the progress bar; a run shorter than one
    # (--steps 1) shows its own length, not "100/100".
    chunk = min(config.epoch_steps, config.steps)
    state = cb.RunState(start, config.steps, chunk)
    # Under MultiWorker a signal reaches one worker's process, and stopping
    # it alone would strand the others in a collective: there the periodic
    # checkpoints are what a restarted cluster resumes from.
    handle_signals = config.strategy != "multiworker"
    callbacks = [cb.StepCounter(state), cb.NaNGuard(state), *extra,
                 cb.Checkpointer(state, checkpoints, config.checkpoint_every)]
    if chief:
        writer = tf.summary.create_file_writer(str(out / "logs"))
        if model.draws_previews:  # a classifier has nothing to draw
            callbacks.append(cb.SampleGrid(
                state, out / "samples",
                model.example_inputs(config.num_samples, seed=config.seed),
                config.sample_every, writer))
        callbacks.append(cb.ScalarLogger(state, writer, config.log_every))
    with cb.save_on_signal(state) if handle_signals else contextlib.nullcontext():
        model.fit(dataset, epochs=math.ceil(config.steps / chunk),
                  initial_epoch=state.initial_epoch, steps_per_epoch=chunk,
                  callbacks=callbacks, verbose=verbose if chief else 0,
                  shuffle=False)  # the dataset shuffles itself
    return state


def main(recipe: Config, argv=None, after=None):
    """Command-line entry point of every recipe. `after(model, config)` runs
    recipe-specific reports on the trained model (e.g. DCGAN's latent tools)."""
    try:
        config = parse_args(recipe, argv)
        model = train(config)
        if after is not None and config.report and is_chief(model.distribute_strategy):
            after(model, config)
    except UserError as e:
        fail(e)
    print(f"Done: {config.out}")
    return model

"""Where a StackGAN training step's time goes: the recipe's Stage-II (or
Stage-I) model with seeded random weights, timed whole and in parts.

    python benchmarks/stackgan_step_time.py [--stage 2] [--steps 30] \
        [--mixed-precision none|bfloat16] [--jit-compile on|off] \
        [--parts] [--batch-size N] [recipe flags: --stage2-ngf, --stage2-ndf, ...]

Prints one JSON line: the device line, ms per whole step (median of
`--repeats` windows of `--steps` steps after `--warmup`), CPU-ms per step
(user + system of this process), and with `--parts` the median ms of each
part at the step's batch: G forward, G forward + backward, D forward, D
forward + backward, the optimizer's apply, one dataset batch.
`ONEDNN_MAX_CPU_ISA=AVX2` caps oneDNN to an AVX2-only CPU's kernels.
"""

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _timing import cpu_seconds, machine_cores_busy, other_load


def timed(fn, steps, warmup, repeats):
    """(median wall ms, median CPU ms) per call of fn over `repeats`
    windows of `steps` calls, after `warmup` calls."""
    for _ in range(warmup):
        fn()
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), cpu_seconds()
        for _ in range(steps):
            fn()
        walls.append((time.perf_counter() - w) / steps * 1e3)
        cpus.append((cpu_seconds() - c) / steps * 1e3)
    return round(statistics.median(walls), 1), round(statistics.median(cpus), 1)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stage", type=int, default=2, choices=(1, 2))
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--parts", action="store_true")
    known, rest = parser.parse_known_args(argv)

    import tensorflow as tf
    import keras
    from tfgan_zoo.data import load_dataset
    from tfgan_zoo.recipes import _text2image as recipe
    from tfgan_zoo.recipes import stackgan
    from tfgan_zoo.training import trainer

    out = Path(tempfile.mkdtemp(prefix="stackgan_step_"))
    config, settings = recipe.parse(stackgan.build_parser(), stackgan.RECIPE,
                                    ["--out", str(out), *rest])
    shared, _, _ = recipe.text_setup(config, settings)
    shared = {**shared, "text_encoder": None}  # random frozen encoder: timing only
    (_, stage1), (_, stage2) = stackgan.phases(config, settings, shared)
    phase = stage1 if known.stage == 1 else dataclasses.replace(
        stage2, model_args={**stage2.model_args, "stage1_run": None})
    phase, line = trainer.resolve_speed(phase)
    if phase.mixed_precision != "none":
        keras.mixed_precision.set_global_policy(f"mixed_{phase.mixed_precision}")
    tf.keras.utils.set_random_seed(0)
    data = load_dataset(phase.dataset, batch_size=phase.batch_size,
                        image_size=phase.image_size, channels=phase.channels, seed=0)
    strategy = tf.distribute.get_strategy()
    model = trainer.build(phase, strategy, data)
    iterator = iter(data.dataset.repeat())
    model.make_train_function()
    train_function = model.train_function

    before = machine_cores_busy()
    start_w, start_c = time.perf_counter(), cpu_seconds()
    step_ms, step_cpu_ms = timed(lambda: train_function(iterator), known.steps,
                                 known.warmup, known.repeats)
    wall = time.perf_counter() - start_w
    result = {"device": line, "stage": known.stage, "batch": phase.batch_size,
              "image_size": phase.image_size, "step_ms": step_ms,
              "step_cpu_ms": step_cpu_ms,
              "steps_per_execution": phase.steps_per_execution,
              "other_load": other_load(before, machine_cores_busy(),
                                       cpu_seconds() - start_c, wall)}

    if known.parts:
        jit = bool(phase.jit_compile)
        images, features = next(iterator)
        text = model.captions(features)
        batch = tf.shape(images)[0]
        z = model.sample_noise(batch)
        eps = tf.zeros([batch, model.condition_dim])
        if known.stage == 2:
            low = model.stage1_images(text.right, z, eps)
            g_inputs = [low, text.right, eps]
        else:
            g_inputs = [text.right, z, eps]
        g, d = model.generator, model.discriminator

        # Plain Python inside (autograph failed to convert stage1_images'
        # call in float32).
        @tf.function(jit_compile=jit, autograph=False)
        def stage1_forward():
            return model.stage1_images(text.right, z, eps) if known.stage == 2 else z

        @tf.function(jit_compile=jit)
        def g_forward():
            return g(g_inputs, training=True)[0]

        @tf.function(jit_compile=jit)
        def g_forward_backward():
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.cast(g(g_inputs, training=True)[0], tf.float32))
            return tape.gradient(loss, g.trainable_variables)

        fake = g_forward()

        def d_loss_of(outputs):
            outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
            return sum(tf.reduce_mean(tf.cast(o, tf.float32)) for o in outputs)

        @tf.function(jit_compile=jit)
        def d_forward():
            return d([images, text.right], training=True)

        @tf.function(jit_compile=jit)
        def d_forward_backward():
            with tf.GradientTape() as tape:
                loss = d_loss_of(d([images, text.right], training=True))
            return tape.gradient(loss, d.trainable_variables)

        @tf.function(jit_compile=jit)
        def d_three_pairs():  # the matching-aware D step's three passes
            with tf.GradientTape() as tape:
                loss = (d_loss_of(d([images, text.right], training=True))
                        + d_loss_of(d([fake, text.right], training=True))
                        + d_loss_of(d([images, text.wrong], training=True)))
            return tape.gradient(loss, d.trainable_variables)

        g_grads = g_forward_backward()

        @tf.function(jit_compile=jit)
        def g_apply():
            model.g_optimizer.apply_gradients(zip(g_grads, g.trainable_variables))

        @tf.function
        def captions():
            return model.captions(features).right

        parts = {}
        for name, fn in (("stage1_forward", stage1_forward), ("g_forward", g_forward),
                         ("g_forward_backward", g_forward_backward),
                         ("d_forward", d_forward), ("d_forward_backward", d_forward_backward),
                         ("d_three_pairs_forward_backward", d_three_pairs),
                         ("g_optimizer_apply", g_apply), ("captions_text_encoder", captions),
                         ("dataset_batch", lambda: next(iterator))):
            parts[name] = timed(fn, known.steps, known.warmup, known.repeats)[0]
        result["parts_ms"] = parts
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()

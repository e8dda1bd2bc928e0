"""DCGAN training throughput of tfgan_zoo, in images per second.

The canonical DCGAN of pytorch/examples `dcgan/main.py` (64x64x3, nz=100,
ngf=ndf=64, batch 64, Adam 2e-4, beta_1 0.5), built by the trainer's own
`build` (so the optimizers, loss scaling, XLA and steps_per_execution are
exactly those of a training run) and trained by `fit` with the model's real
`train_step`, on synthetic in-memory images (like the reference's
`--dataset fake`). Warm-up steps (tracing, XLA compilation) are excluded:
the clock runs from the end of the warm-up to the end of the last timed step,
and every timed execution is synchronised by reading its losses back, as
the trainer's callbacks do.

The input pipeline is timed on its own too (the same tf.data pipeline,
iterated without training), so the report shows whether it could ever be
the bottleneck.

    python benchmarks/dcgan_throughput.py                      # CPU, defaults
    python benchmarks/dcgan_throughput.py --jit-compile --steps-per-execution 10
    python benchmarks/dcgan_throughput.py --strategy mirrored --logical-devices 2
    python benchmarks/dcgan_throughput.py --strategy mirrored --mixed-precision bfloat16   # all GPUs

Prints a human-readable summary and, with --json FILE, appends one JSON
record per run (command, device, versions, numbers).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

from _timing import cpu_seconds, machine_cores_busy, other_load  # benchmarks/


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--batch-size", type=int, default=64, help="global batch size")
    p.add_argument("--image-size", type=int, default=64)
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--latent-dim", type=int, default=100, help="nz")
    p.add_argument("--ngf", type=int, default=64)
    p.add_argument("--ndf", type=int, default=64)
    p.add_argument("--steps", type=int, default=30, help="timed train steps")
    p.add_argument("--warmup", type=int, default=5,
                   help="untimed steps first (tracing, XLA compilation)")
    p.add_argument("--jit-compile", action=argparse.BooleanOptionalAction,
                   default=None, help="XLA; default: the library's Config default")
    p.add_argument("--mixed-precision", choices=("none", "float16", "bfloat16"),
                   default="none")
    p.add_argument("--strategy", default="default",
                   help="default, mirrored (all GPUs, else all logical CPUs), "
                        "multiworker or tpu")
    p.add_argument("--steps-per-execution", type=int, default=1)
    p.add_argument("--logical-devices", type=int, default=1,
                   help="split the first GPU (else the CPU) into N logical devices, "
                        "for --strategy mirrored with N replicas on one device")
    p.add_argument("--gpu-memory-mb", type=int, default=16384,
                   help="memory of each logical GPU with --logical-devices")
    p.add_argument("--threads", type=int, default=os.cpu_count(),
                   help="intra-op threads; 0 = TF default")
    p.add_argument("--inter-op-threads", type=int, default=2,
                   help="inter-op threads; 0 = TF default")
    p.add_argument("--dataset", default="synthetic",
                   help="synthetic (random images in memory, like the reference's "
                        "FakeData), or any tfgan_zoo dataset name, e.g. mnist5k")
    p.add_argument("--pool", type=int, default=1000,
                   help="synthetic images held in memory (FakeData's default size)")
    p.add_argument("--data-batches", type=int, default=200,
                   help="batches read when timing the input pipeline alone")
    p.add_argument("--json", help="append the result as one JSON line to this file")
    args = p.parse_args(argv)
    if args.steps % args.steps_per_execution or args.warmup % args.steps_per_execution:
        p.error("--steps and --warmup must be multiples of --steps-per-execution")
    return args


def cpu_name():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def configure(args):
    """Threads and logical devices: must run before TensorFlow initialises."""
    import tensorflow as tf
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    if args.inter_op_threads:
        tf.config.threading.set_inter_op_parallelism_threads(args.inter_op_threads)
    if args.logical_devices > 1:
        gpus = tf.config.list_physical_devices("GPU")
        device = (gpus or tf.config.list_physical_devices("CPU"))[0]
        # A GPU split needs a memory limit per logical device.
        memory = {"memory_limit": args.gpu_memory_mb} if gpus else {}
        tf.config.set_logical_device_configuration(
            device, [tf.config.LogicalDeviceConfiguration(**memory)] * args.logical_devices)


def device_name():
    import tensorflow as tf
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = [tf.config.experimental.get_device_details(g).get("device_name", g.name)
                 for g in gpus]
        return f"{len(gpus)} x {names[0]}"
    if tf.config.list_logical_devices("TPU"):
        return f"{len(tf.config.list_logical_devices('TPU'))} TPU cores"
    return f"CPU: {cpu_name()} ({os.cpu_count()} cores)"


def synthetic_dataset(args):
    """Random images in [-1, 1] held in memory, shuffled, batched, repeated.

    The same role as the reference's FakeData: the step, not the data, is
    what is measured. Decoding real images is the data layer's business."""
    import numpy as np
    import tensorflow as tf
    rng = np.random.default_rng(0)
    shape = (args.pool, args.image_size, args.image_size, args.channels)
    images = rng.uniform(-1, 1, shape).astype("float32")
    return (tf.data.Dataset.from_tensor_slices(images)
            .shuffle(args.pool, seed=0).repeat()
            .batch(args.batch_size, drop_remainder=True)
            .prefetch(tf.data.AUTOTUNE))


def time_pipeline(dataset, batches, batch_size):
    """Images per second the input pipeline delivers on its own."""
    it = iter(dataset)
    for _ in range(10):
        next(it)
    start = time.perf_counter()
    for _ in range(batches):
        next(it)
    return batches * batch_size / (time.perf_counter() - start)


def main(argv=None):
    args = parse_args(argv)
    configure(args)
    import numpy as np
    import tensorflow as tf
    import keras
    from tfgan_zoo.config import Config
    from tfgan_zoo.data import Data, load_dataset
    from tfgan_zoo.training.trainer import build, resolve_strategy

    defaults = Config()
    jit = defaults.jit_compile if args.jit_compile is None else args.jit_compile
    config = Config(model="dcgan", dataset="synthetic", image_size=args.image_size,
                    batch_size=args.batch_size, strategy=args.strategy,
                    mixed_precision=args.mixed_precision, jit_compile=jit,
                    steps_per_execution=args.steps_per_execution,
                    model_args={"latent_dim": args.latent_dim, "ngf": args.ngf,
                                "ndf": args.ndf})
    if config.mixed_precision != "none":
        keras.mixed_precision.set_global_policy(f"mixed_{config.mixed_precision}")
    tf.keras.utils.set_random_seed(0)
    strategy = resolve_strategy(config.strategy)
    if args.dataset == "synthetic":
        data = Data(dataset=synthetic_dataset(args), num_classes=None,
                    num_examples=args.pool, name="synthetic",
                    image_shape=(args.image_size, args.image_size, args.channels))
    else:  # the library's own pipeline, exactly as the trainer loads it
        data = load_dataset(args.dataset, batch_size=args.batch_size,
                            image_size=args.image_size, channels=args.channels)
    dataset = data.dataset
    model = build(config, strategy, data)

    data_rate = time_pipeline(dataset, args.data_batches, args.batch_size)

    marks = []

    class Clock(keras.callbacks.Callback):
        # Reading the logs back waits for the step, as the trainer does.
        def on_train_batch_end(self, batch, logs=None):
            for v in (logs or {}).values():
                np.asarray(v)
            marks.append((batch + 1, time.perf_counter(), cpu_seconds(),
                          machine_cores_busy()))

    total = args.warmup + args.steps
    t0 = time.perf_counter()
    history = model.fit(dataset, epochs=1, steps_per_epoch=total, verbose=0,
                        callbacks=[Clock()])
    wall = time.perf_counter() - t0
    losses = {k: float(np.asarray(v[-1]).reshape(-1)[0])
              for k, v in history.history.items()}
    start, cpu_start, busy_start = next(m[1:] for m in marks if m[0] == args.warmup)
    end, cpu_end, busy_end = marks[-1][1:]
    others = other_load(busy_start, busy_end, cpu_end - cpu_start, end - start)
    step_rate = args.steps * args.batch_size / (end - start)

    record = {
        "benchmark": "dcgan_throughput",
        "command": "python " + " ".join([os.path.relpath(sys.argv[0])] + (argv or sys.argv[1:])),
        "date": datetime.date.today().isoformat(),
        "device": device_name(),
        "tensorflow": tf.__version__, "keras": keras.__version__,
        "replicas": strategy.num_replicas_in_sync,
        "strategy": config.strategy, "mixed_precision": config.mixed_precision,
        "jit_compile": jit, "steps_per_execution": config.steps_per_execution,
        "dataset": args.dataset,
        "batch_size": args.batch_size, "image_size": args.image_size,
        "threads": args.threads, "inter_op_threads": args.inter_op_threads,
        "images_per_s": round(step_rate, 2),
        "ms_per_step": round(1000 * args.batch_size / step_rate, 2),
        # CPU time of this process per step: less sensitive than wall time
        # to other processes sharing the machine.
        "cpu_s_per_step": round((cpu_end - cpu_start) / args.steps, 3),
        "load_average": os.getloadavg(), "other_processes_cores": others,
        "tf_data_images_per_s": round(data_rate, 1),
        "warmup_s": round(start - t0, 2), "wall_s": round(wall, 2),
        "final_losses": losses,
    }
    print(f"device            {record['device']}")
    print(f"TF {tf.__version__} / Keras {keras.__version__}; {record['replicas']} "
          f"replica(s) ({config.strategy}); precision {config.mixed_precision}; "
          f"XLA {jit}; steps_per_execution {config.steps_per_execution}")
    print(f"train step        {record['images_per_s']:.1f} images/s "
          f"({record['ms_per_step']:.1f} ms/step, batch {args.batch_size}, "
          f"{args.steps} timed steps after {args.warmup} warm-up, "
          f"warm-up {record['warmup_s']:.1f} s; {record['cpu_s_per_step']:.2f} "
          f"CPU-s/step; other processes {others} cores)")
    print(f"tf.data alone     {record['tf_data_images_per_s']:.0f} images/s ({args.dataset}) "
          f"({data_rate / step_rate:.0f}x the step)")
    print(f"final losses      {losses}")
    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps(record) + "\n")
    return record


if __name__ == "__main__":
    main()

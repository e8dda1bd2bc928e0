"""DCGAN training throughput of tfgan_zoo, in images per second, alone or
side by side with the real PyTorch reference.

Our side: the canonical DCGAN of pytorch/examples `dcgan/main.py` (64x64x3,
nz=100, ngf=ndf=64, batch 64, Adam 2e-4, beta_1 0.5), built by the trainer's
own `build` (so precision, XLA, threads and steps_per_execution are exactly
those of a training run, `auto` choices included) and trained by `fit` with
the model's real `train_step`, on synthetic in-memory images (like the
reference's `--dataset fake`). Warm-up steps (tracing, XLA compilation) are
excluded: the clock runs from the end of the warm-up to the end of the last
timed step, and every timed step is synchronised by reading its losses back,
as the trainer's callbacks do. The input pipeline is timed on its own too.

    python benchmarks/dcgan_throughput.py                      # CPU, defaults
    python benchmarks/dcgan_throughput.py --jit-compile on --mixed-precision none
    python benchmarks/dcgan_throughput.py --strategy mirrored --logical-devices 2

Against the reference (`--reference PATH`): the user's own copy of
pytorch/examples `dcgan/main.py`, run unchanged as
`main.py --dataset fake --workers 0` by a Python that has torch and
torchvision (`--reference-python`), and ours, one after the other in
`--pairs` interleaved pairs (the order alternates). The reference prints one
line per iteration after reading its losses back; each line is timestamped
as it arrives, and its steady-state rate is the images of the iterations
after the warm-up over their time (an iteration that saved sample images or
a checkpoint, and the first of each epoch, are left out). Prints one table:
both rates, the ratio, the CPU model and ISA flags, the ISA cap and the
oneDNN ISA each side reported.

    python benchmarks/dcgan_throughput.py --reference ~/examples/dcgan/main.py \\
        --reference-python ~/torch-venv/bin/python
    python benchmarks/dcgan_throughput.py --reference main.py --max-isa AVX2  # an AVX2 CPU
    python benchmarks/dcgan_throughput.py --reference main.py --max-isa native,AVX2  # both

Ours runs the dcgan recipe's iteration, `--reuse-fake` (one generator
forward per iteration, as the reference and the DCGAN authors' dcgan.torch
do; the recipe's default since 2026-12-05). Each pair also runs ours with
the other iteration (`--no-reuse-fake`: Algorithm 1, fresh noise and a
second generator forward for G's update); `--no-with-other-step` leaves it
out.

`--max-isa AVX2` sets `ONEDNN_MAX_CPU_ISA=AVX2` for both programs (oneDNN's
own cap, honoured by TensorFlow's and PyTorch's oneDNN), plus
`ATEN_CPU_CAPABILITY=avx2` for PyTorch's own kernels and
`--xla_cpu_max_isa=AVX2` for XLA, so a newer CPU runs as an AVX2-only one.
By default each pair waits until the machine is quiet (`--quiet-load`).

Prints a human-readable summary and, with --json FILE, appends one JSON
record per run (command, device, versions, numbers).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

from _timing import cpu_seconds, machine_cores_busy, other_load  # benchmarks/

# The CPU flags that decide which kernels run.
ISA_FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "avx512_fp16",
             "amx_tile", "amx_bf16")
REFERENCE_LINE = re.compile(r"^\[(\d+)/(\d+)\]\[(\d+)/(\d+)\] Loss_D: ")
# FakeData's default size: the reference's epoch is ceil(1000 / batch) iterations.
FAKE_IMAGES = 1000



def shown_command(argv=None):
    """This command as a record shows it: paths outside the working
    directory (the reference's copy, the torch venv, temporary files) as
    their last component, so records carry no machine paths."""
    shown = []
    for arg in [os.path.relpath(sys.argv[0])] + list(argv or sys.argv[1:]):
        if os.path.isabs(arg) and not arg.startswith(os.getcwd()):
            arg = ".../" + os.path.basename(arg)
        shown.append(arg)
    return "python " + " ".join(shown)

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--batch-size", type=int, default=64, help="global batch size")
    p.add_argument("--image-size", type=int, default=64)
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--latent-dim", type=int, default=100, help="nz")
    p.add_argument("--ngf", type=int, default=64)
    p.add_argument("--ndf", type=int, default=64)
    p.add_argument("--reuse-fake", action=argparse.BooleanOptionalAction, default=True,
                   help="one generator forward pass serves both updates, as in the "
                        "reference's iteration (the model's reuse_fake; the dcgan "
                        "recipe's default); --no-reuse-fake: Algorithm 1, fresh noise "
                        "and a second G forward for G's update")
    p.add_argument("--steps", type=int, default=30, help="timed train steps")
    p.add_argument("--warmup", type=int, default=5,
                   help="untimed steps first (tracing, XLA compilation)")
    p.add_argument("--jit-compile", choices=("auto", "on", "off"), default="auto",
                   help="XLA; auto: the library's choice for this device")
    p.add_argument("--mixed-precision", choices=("auto", "none", "float16", "bfloat16"),
                   default="auto", help="auto: the library's choice for this device")
    p.add_argument("--strategy", default="default",
                   help="default, mirrored (all GPUs, else all logical CPUs), "
                        "multiworker or tpu")
    p.add_argument("--steps-per-execution", type=int, default=1)
    p.add_argument("--logical-devices", type=int, default=1,
                   help="split the first GPU (else the CPU) into N logical devices, "
                        "for --strategy mirrored with N replicas on one device")
    p.add_argument("--gpu-memory-mb", type=int, default=16384,
                   help="memory of each logical GPU with --logical-devices")
    p.add_argument("--threads", type=int, default=0,
                   help="intra-op threads; 0 = the library's setting")
    p.add_argument("--inter-op-threads", type=int, default=0,
                   help="inter-op threads; 0 = the library's setting")
    p.add_argument("--dataset", default="synthetic",
                   help="synthetic (random images in memory, like the reference's "
                        "FakeData), or any tfgan_zoo dataset name, e.g. mnist5k")
    p.add_argument("--pool", type=int, default=FAKE_IMAGES,
                   help="synthetic images held in memory (FakeData's default size)")
    p.add_argument("--data-batches", type=int, default=200,
                   help="batches read when timing the input pipeline alone")
    p.add_argument("--json", help="append the result as one JSON line to this file")
    ref = p.add_argument_group("against the PyTorch reference")
    ref.add_argument("--reference", metavar="PATH",
                     help="your copy of pytorch/examples dcgan/main.py: run it and ours "
                          "in interleaved pairs")
    ref.add_argument("--reference-python", default=sys.executable,
                     help="a Python with torch and torchvision for the reference")
    ref.add_argument("--reference-args", default="",
                     help="more arguments for main.py, e.g. '--accel' on a GPU")
    ref.add_argument("--pairs", type=int, default=3, help="interleaved pairs")
    ref.add_argument("--with-other-step", "--with-reuse-fake", dest="with_other_step",
                     action=argparse.BooleanOptionalAction, default=True,
                     help="also run ours with the other iteration in each pair "
                          "(--no-reuse-fake when ours reuses the fake batch, and the "
                          "reverse)")
    ref.add_argument("--reference-epochs", type=int, default=2,
                     help=f"epochs of the reference ({FAKE_IMAGES} fake images each)")
    ref.add_argument("--max-isa", metavar="ISA[,ISA...]", default="native",
                     help="cap both programs at this ISA, e.g. AVX2 (ONEDNN_MAX_CPU_ISA, "
                          "ATEN_CPU_CAPABILITY, XLA's max ISA); a list such as "
                          "native,AVX2 runs the pairs for each CPU class and sums up")
    ref.add_argument("--quiet-load", type=float, default=2.5,
                     help="before each pair, wait until the 1-minute load average is "
                          "below this (0: do not wait)")
    ref.add_argument("--max-wait", type=float, default=3600,
                     help="seconds to wait for a quiet machine before running anyway")
    ref.add_argument("--isa-check", action=argparse.BooleanOptionalAction, default=True,
                     help="first run each side briefly with ONEDNN_VERBOSE=1 and report "
                          "the ISA and kernels oneDNN used")
    args = p.parse_args(argv)
    if args.steps % args.steps_per_execution or args.warmup % args.steps_per_execution:
        p.error("--steps and --warmup must be multiples of --steps-per-execution")
    if args.reference and not os.path.isfile(args.reference):
        p.error(f"--reference {args.reference}: no such file; pass the path of "
                "pytorch/examples' dcgan/main.py")
    return args


# ------------------------------------------------------------------ machine
def cpu_info():
    """(model name, the ISA flags in ISA_FLAGS the CPU has)."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return model, [f for f in ISA_FLAGS if f in flags]


def isa_environment(max_isa):
    """Environment variables that cap both programs at `max_isa`."""
    if not max_isa:
        return {}
    aten = {"AVX2": "avx2", "AVX512_CORE": "avx512"}.get(max_isa.upper())
    env = {"ONEDNN_MAX_CPU_ISA": max_isa.upper(),
           "XLA_FLAGS": (os.environ.get("XLA_FLAGS", "") +
                         f" --xla_cpu_max_isa={max_isa.upper()}").strip()}
    if aten:
        env["ATEN_CPU_CAPABILITY"] = aten
    return env


def wait_for_quiet(limit, max_wait):
    """Wait until the 1-minute load average is below `limit`; returns the
    load average at the start of the run."""
    start = time.time()
    while limit and os.getloadavg()[0] >= limit and time.time() - start < max_wait:
        time.sleep(15)
    return os.getloadavg()[0]


# --------------------------------------------------------------- our side
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
    for _ in range(min(10, batches)):
        next(it)
    start = time.perf_counter()
    for _ in range(batches):
        next(it)
    return batches * batch_size / (time.perf_counter() - start)


def run_ours(args, argv):
    """Train our DCGAN-64 for warm-up + timed steps; returns the record."""
    from tfgan_zoo import devices  # first: oneDNN and a quiet TensorFlow start
    configure(args)
    import numpy as np
    import tensorflow as tf
    import keras
    from tfgan_zoo.config import Config
    from tfgan_zoo.data import Data, load_dataset
    from tfgan_zoo.training.trainer import build, resolve_speed, resolve_strategy

    jit = {"auto": "auto", "on": True, "off": False}[args.jit_compile]
    config = Config(model="dcgan", dataset="synthetic", image_size=args.image_size,
                    batch_size=args.batch_size, strategy=args.strategy,
                    mixed_precision=args.mixed_precision, jit_compile=jit,
                    steps_per_execution=args.steps_per_execution,
                    model_args={"latent_dim": args.latent_dim, "ngf": args.ngf,
                                "reuse_fake": args.reuse_fake,
                                "ndf": args.ndf})
    config, device_line = resolve_speed(config)
    print(device_line)
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
    device = devices.local_devices()
    record = {
        "benchmark": "dcgan_throughput",
        "command": shown_command(argv),
        "date": datetime.date.today().isoformat(),
        "device": device.name if device.kind == "cpu" else f"{device.count} x {device.name}",
        "device_line": device_line,
        "onednn": devices.onednn_enabled(),
        "tensorflow": tf.__version__, "keras": keras.__version__,
        "replicas": strategy.num_replicas_in_sync,
        "strategy": config.strategy, "mixed_precision": config.mixed_precision,
        "jit_compile": config.jit_compile,
        "steps_per_execution": config.steps_per_execution,
        "reuse_fake": args.reuse_fake,
        "dataset": args.dataset,
        "batch_size": args.batch_size, "image_size": args.image_size,
        "threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
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
    print(f"TF {tf.__version__} / Keras {keras.__version__}; {record['replicas']} "
          f"replica(s) ({config.strategy}); steps_per_execution "
          f"{config.steps_per_execution}")
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


# ---------------------------------------------------------- the reference
def process_cpu_seconds(pid):
    """User + system CPU seconds of a running process (all its threads)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reference_command(args, outdir, dry_run=False):
    command = [args.reference_python, "-u", args.reference, "--dataset", "fake",
               "--workers", "0", "--batchSize", str(args.batch_size),
               "--imageSize", str(args.image_size), "--nz", str(args.latent_dim),
               "--ngf", str(args.ngf), "--ndf", str(args.ndf), "--manualSeed", "0",
               "--outf", outdir, "--niter", str(args.reference_epochs)]
    return command + (["--dry-run"] if dry_run else []) + args.reference_args.split()


def steady_rate(marks, batch_size, warmup):
    """Images/s and CPU-s per iteration from the reference's timestamped
    lines [(epoch, i, iterations per epoch, time, cpu s)]. The time between
    line k-1 and line k is iteration k. Left out: the warm-up, the first two
    iterations of every epoch (the first line is followed by sample-image
    writing; an epoch starts after a checkpoint)."""
    images = seconds = cpu = 0.0
    iterations = 0
    for n, (prev, line) in enumerate(zip(marks, marks[1:]), start=1):
        epoch, i, per_epoch = line[:3]
        if n <= warmup or i < 2:
            continue
        last = FAKE_IMAGES - batch_size * (per_epoch - 1)
        images += batch_size if i < per_epoch - 1 else last
        seconds += line[3] - prev[3]
        if line[4] is not None and prev[4] is not None:
            cpu += line[4] - prev[4]
        iterations += 1
    if not iterations:
        raise SystemExit("the reference printed too few iterations: raise "
                         "--reference-epochs")
    return images / seconds, cpu / iterations, iterations


def run_reference(args, env):
    """Run main.py; returns its steady-state record."""
    with tempfile.TemporaryDirectory() as outdir:
        busy_start, cpu_start, t0 = machine_cores_busy(), None, time.perf_counter()
        proc = subprocess.Popen(reference_command(args, outdir), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=env, bufsize=1)
        marks, tail = [], []
        for line in proc.stdout:
            now, cpu = time.perf_counter(), process_cpu_seconds(proc.pid)
            match = REFERENCE_LINE.match(line)
            if match:
                marks.append((int(match[1]), int(match[3]), int(match[4]), now, cpu))
                if cpu_start is None:
                    cpu_start = cpu
            tail = (tail + [line.rstrip()])[-5:]
        if proc.wait():
            raise SystemExit("the reference failed:\n" + "\n".join(tail))
    rate, cpu_per_iteration, iterations = steady_rate(marks, args.batch_size, args.warmup)
    own = (marks[-1][4] - cpu_start) if cpu_start is not None else 0.0
    return {"images_per_s": round(rate, 2), "iterations_timed": iterations,
            "cpu_s_per_step": round(cpu_per_iteration, 3),
            "other_processes_cores": other_load(busy_start, machine_cores_busy(), own,
                                                marks[-1][3] - marks[0][3]),
            "wall_s": round(time.perf_counter() - t0, 1)}


def our_command(args, json_path, steps=None, warmup=None):
    command = [sys.executable, os.path.abspath(__file__), "--json", json_path]
    for name in ("batch_size", "image_size", "latent_dim", "ngf", "ndf",
                 "jit_compile", "mixed_precision", "threads", "inter_op_threads",
                 "steps_per_execution"):
        command += ["--" + name.replace("_", "-"), str(getattr(args, name))]
    command.append("--reuse-fake" if args.reuse_fake else "--no-reuse-fake")
    command += ["--steps", str(steps or args.steps), "--warmup", str(warmup or args.warmup)]
    if steps:  # a check run: a tiny input pipeline
        command += ["--pool", str(args.batch_size), "--data-batches", "1"]
    return command


def run_ours_subprocess(args, env, steps=None, warmup=None):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "record.json")
        done = subprocess.run(our_command(args, path, steps, warmup), env=env,
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit("tfgan_zoo's benchmark failed:\n" + done.stderr[-2000:])
        with open(path) as f:
            return json.loads(f.readline()), done.stdout + done.stderr


def onednn_summary(text):
    """The ISA oneDNN reported and its three commonest kernels, from
    ONEDNN_VERBOSE=1 output; None when oneDNN did not run."""
    isa, kernels = None, Counter()
    for line in text.splitlines():
        if not line.startswith(("onednn_verbose", "dnnl_verbose")):
            continue
        fields = line.split(",")
        if "isa:" in line and isa is None:
            isa = line.split("isa:", 1)[1].strip()
        if "exec" in fields:
            at = fields.index("exec")
            if len(fields) > at + 3:
                kernels[f"{fields[at + 2]}:{fields[at + 3]}"] += 1
    if isa is None and not kernels:
        return None
    top = ", ".join(k for k, _ in kernels.most_common(3))
    return f"{isa or 'isa not printed'}; kernels {top}"


def isa_check(args, env):
    """Each side once, briefly, with ONEDNN_VERBOSE=1."""
    verbose = {**env, "ONEDNN_VERBOSE": "1"}
    _, ours = run_ours_subprocess(args, verbose, steps=1, warmup=1)
    with tempfile.TemporaryDirectory() as outdir:
        ref = subprocess.run(reference_command(args, outdir, dry_run=True), env=verbose,
                             capture_output=True, text=True)
    return {"tfgan_zoo": onednn_summary(ours) or "oneDNN not used (Eigen kernels)",
            "reference": onednn_summary(ref.stdout + ref.stderr)
            or "oneDNN not used"}


def reference_versions(args):
    code = "import torch, torchvision; print(torch.__version__, torchvision.__version__)"
    done = subprocess.run([args.reference_python, "-c", code], capture_output=True,
                          text=True)
    if done.returncode:
        raise SystemExit(f"{args.reference_python} cannot import torch and torchvision: "
                         "pass --reference-python, a Python that has both")
    return done.stdout.split()


LABELS = {"tfgan_zoo": "tfgan_zoo", "algorithm_1": "tfgan_zoo --no-reuse-fake",
          "reuse_fake": "tfgan_zoo --reuse-fake"}
# Whether each of our sides reuses the fake batch (None: as --reuse-fake says).
REUSES = {"tfgan_zoo": None, "algorithm_1": False, "reuse_fake": True}


def run_pairs(args, argv):
    """Interleaved pairs of the reference and ours; prints one table."""
    env = {**os.environ, **isa_environment(args.max_isa)}
    model, flags = cpu_info()
    torch_version, vision_version = reference_versions(args)
    cap = env.get("ONEDNN_MAX_CPU_ISA")
    print(f"CPU          {model} ({os.cpu_count()} cores); ISA flags: "
          f"{' '.join(flags) or 'none of ' + ' '.join(ISA_FLAGS)}")
    print("ISA cap      " + (f"ONEDNN_MAX_CPU_ISA={cap} (both)" if cap else "none")
          + (f", ATEN_CPU_CAPABILITY={env['ATEN_CPU_CAPABILITY']} (PyTorch)"
             if env.get("ATEN_CPU_CAPABILITY") else ""))
    print(f"reference    {args.reference} --dataset fake --workers 0 "
          f"(torch {torch_version}, torchvision {vision_version})")
    check = isa_check(args, env) if args.isa_check else {}
    for side, text in check.items():
        print(f"oneDNN       {side}: {text}")
    other = "algorithm_1" if args.reuse_fake else "reuse_fake"
    sides = ["reference", "tfgan_zoo"] + ([other] if args.with_other_step else [])
    ours = [side for side in sides if side != "reference"]
    rows = []
    for pair in range(args.pairs):
        load = wait_for_quiet(args.quiet_load, args.max_wait)
        order = sides[pair % len(sides):] + sides[:pair % len(sides)]
        result = {}
        for side in order:
            if side == "reference":
                result[side] = run_reference(args, env)
                continue
            reuse = args.reuse_fake if REUSES[side] is None else REUSES[side]
            variant = argparse.Namespace(**{**vars(args), "reuse_fake": reuse})
            result[side], out = run_ours_subprocess(variant, env)
            if pair == 0 and side == "tfgan_zoo":
                print(f"tfgan_zoo    {result[side]['device_line']}")
        ratios = {side: result[side]["images_per_s"] / result["reference"]["images_per_s"]
                  for side in ours}
        rows.append({"pair": pair + 1, "order": order, "load_start": round(load, 2),
                     "load_end": round(os.getloadavg()[0], 2),
                     "ratio": {side: round(r, 3) for side, r in ratios.items()},
                     **{side: result[side] for side in order}})
        if pair == 0:
            print("| pair | first | reference img/s | " + " | ".join(
                f"{LABELS[side]} img/s | ratio" for side in ours)
                + " | CPU-s/step " + " / ".join(["ref"] + ours) + " | load 1 min "
                "| other cores " + " / ".join(["ref"] + ours) + " |")
            print("| --- " * (6 + 2 * len(ours)) + "|")
        print(f"| {pair + 1} | {order[0]} | {result['reference']['images_per_s']:.1f} | "
              + " | ".join(f"{result[side]['images_per_s']:.1f} | {ratios[side]:.2f}x"
                           for side in ours)
              + " | " + " / ".join(f"{result[side]['cpu_s_per_step']:.2f}" for side in sides)
              + f" | {load:.1f} | "
              + " / ".join(str(result[side]["other_processes_cores"]) for side in sides)
              + " |", flush=True)
    median = {side: statistics.median(row[side]["images_per_s"] for row in rows)
              for side in sides}
    ratio = {side: statistics.median(row["ratio"][side] for row in rows) for side in ours}
    print(f"| median | | {median['reference']:.1f} | " + " | ".join(
        f"{median[side]:.1f} | {ratio[side]:.2f}x" for side in ours) + " | | | |")
    loaded = [row["pair"] for row in rows if row["load_start"] >= (args.quiet_load or 1e9)]
    if loaded:
        print(f"warning: pairs {loaded} started with the 1-minute load average at or above "
              f"{args.quiet_load}: the machine was busy, do not record these figures")
    record = {"benchmark": "dcgan_throughput --reference",
              "command": shown_command(argv),
              "date": datetime.date.today().isoformat(), "cpu": model, "isa_flags": flags,
              "onednn_max_cpu_isa": cap, "aten_cpu_capability": env.get("ATEN_CPU_CAPABILITY"),
              "torch": torch_version, "torchvision": vision_version, "onednn_check": check,
              "median_images_per_s": median, "median_ratio": ratio, "pairs": rows}
    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps(record) + "\n")
    return record


def run_classes(args, argv):
    """`run_pairs` for each CPU class of `--max-isa` (e.g. "native,AVX2"),
    then one summary table of the medians."""
    records = []
    for isa in args.max_isa.split(","):
        isa = None if isa.strip().lower() in ("", "native", "none") else isa.strip()
        print(f"\n## CPU class: {'as the CPU is (no ISA cap)' if isa is None else 'capped at ' + isa}")
        records.append(run_pairs(argparse.Namespace(**{**vars(args), "max_isa": isa}), argv))
    print("\n## Summary (medians of the pairs)\n")
    ours = [side for side in LABELS if side in records[0]["median_ratio"]]
    print("| CPU, class | reference img/s | " + " | ".join(
        f"{LABELS[side]} img/s | ratio" for side in ours) + " |")
    print("| --- " * (2 + 2 * len(ours)) + "|")
    for record in records:
        cap = record["onednn_max_cpu_isa"]
        where = f"{record['cpu']}, " + (f"ONEDNN_MAX_CPU_ISA={cap}" if cap else "native ("
                                        + " ".join(record["isa_flags"]) + ")")
        print(f"| {where} | {record['median_images_per_s']['reference']:.1f} | " + " | ".join(
            f"{record['median_images_per_s'][side]:.1f} | {record['median_ratio'][side]:.2f}x"
            for side in ours) + " |")
    return records


def main(argv=None):
    args = parse_args(argv)
    if args.reference:
        return run_classes(args, argv)
    return run_ours(args, argv)


if __name__ == "__main__":
    main()

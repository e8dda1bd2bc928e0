"""Which devices a run uses, and the fast, safe defaults for them: the one
place that decides.

- **oneDNN on every x86 CPU with AVX2.** TensorFlow turns its oneDNN kernels
  on by default only where the CPU has AVX512_VNNI, AVX512_BF16, AVX-VNNI
  or AMX; an AVX2-only CPU (an AMD EPYC before Zen 4, say) gets Eigen's
  kernels, which took 3.2x the CPU time of oneDNN's AVX2 kernels for a
  DCGAN-64 step (benchmarks/RESULTS.md, "Training throughput"). This module
  sets `TF_ENABLE_ONEDNN_OPTS=1` before TensorFlow is imported, unless the
  user set it.
- **A quiet start.** TensorFlow's C++ start-up chatter (absl's "All log
  messages before absl::InitializeLog()", the CUDA probe's `cuInit` error on
  a machine without a GPU, the oneDNN and CPU-feature notices) is dropped;
  anything else it prints is passed on. A run prints one line instead,
  `describe()`: the devices, the precision and XLA.
- **`auto` precision and XLA** (`--mixed-precision auto`, `--jit-compile
  auto`): `choose_precision` and `choose_jit`, pure functions of the device
  class and the model family, read from the measured tables below. bfloat16
  only where the hardware computes it natively *and* it measured faster;
  XLA only where it measured faster for that family on that device class.
  No `auto` choice may be slower than float32 without XLA.

The CPU class is read from /proc/cpuinfo and capped by `ONEDNN_MAX_CPU_ISA`
(oneDNN's own ISA limit), so `ONEDNN_MAX_CPU_ISA=AVX2` on a newer CPU makes
every choice an AVX2-only CPU would get.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import platform
import re
import sys
import tempfile

# The CPU classes, fastest last; a class includes those before it.
CPU_CLASSES = ("baseline", "avx2", "avx512", "avx512_bf16", "amx")

# Families are the folders of tfgan_zoo/models (noise2image, image2image,
# text2image). A pair not listed is float32 / no XLA until it is measured.
# bfloat16 where it measured faster than float32 (benchmarks/RESULTS.md,
# "Training throughput"): on AMX (DCGAN-64: 143 against 80 images/s), and on
# AVX512_BF16 without AMX (Zen 4, 2026-12-07: DCGAN-64 110-119 against 83-84
# images/s, a StackGAN Stage-II step 79 against 91 ms, pix2pix 1.2x and
# CycleGAN 1.1x the steps a second). A model trained in it keeps bfloat16
# kernels; every export writes its float32 twin
# (`tfgan_zoo.export.graph.float32_model`), so LiteRT and CPU serving get
# float32 graphs.
BF16_FASTER = {(f"cpu:{cls}", family) for cls in ("avx512_bf16", "amx")
               for family in ("noise2image", "image2image", "text2image")}
# XLA where it measured faster than without it, by family and device class:
XLA_FASTER = {("cpu:avx2", "text2image"), ("cpu:avx512", "text2image"),
              ("cpu:avx512_bf16", "text2image"), ("cpu:amx", "text2image")}

# Lines of TensorFlow's (and LiteRT's) native logging that say nothing a
# user must act on: start-up chatter, and notices that come once per
# process later (`take_onednn_bool_notice`, TFLite conversion).
CHATTER = re.compile(
    r"All log messages before absl::InitializeLog\(\)"
    r"|^[IW]\d{4} .*\] "                       # absl INFO / WARNING lines
    r"|cuda_platform\.cc:\d+\] failed call to cuInit"
    r"|^To enable the following instructions:"
    r"|oneDNN supports DT_BOOL only on platforms with AVX-512"
    r"|NodeDef mentions attribute \w+ which is not in the op definition"  # TFLite's converter
    r"|^INFO: Created TensorFlow Lite XNNPACK delegate for CPU"
    r"|^\s*$")


def read_cpuinfo():
    """The text of /proc/cpuinfo ("" where there is none)."""
    try:
        with open("/proc/cpuinfo") as f:
            return f.read()
    except OSError:
        return ""


def cpu_flags(cpuinfo=None):
    """The CPU's feature flags (a set of /proc/cpuinfo names, e.g. "avx2")."""
    if cpuinfo is None:
        cpuinfo = read_cpuinfo()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return frozenset(line.split(":", 1)[1].split())
    return frozenset()


def cpu_model(cpuinfo=None):
    """The CPU's model name, e.g. "AMD EPYC" or "Intel(R) Xeon(R) Processor"."""
    if cpuinfo is None:
        cpuinfo = read_cpuinfo()
    for line in cpuinfo.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def isa_cap(value):
    """The CPU class an `ONEDNN_MAX_CPU_ISA` value allows at most (None: no
    cap). AVX2_VNNI counts as AVX2, AVX512_CORE_VNNI as AVX-512."""
    value = (value or "").upper()
    if value in ("", "ALL", "DEFAULT"):
        return None
    if "AMX" in value:
        return "amx"
    if "BF16" in value or "FP16" in value or "AVX10" in value:
        return "avx512_bf16"
    if "AVX512" in value:
        return "avx512"
    if "AVX2" in value:
        return "avx2"
    return "baseline"


def cpu_class(flags, cap=None):
    """The CPU's class in `CPU_CLASSES` from its flags, capped at `cap`."""
    if {"amx_bf16", "amx_tile"} <= flags:
        found = "amx"
    elif {"avx512f", "avx512_bf16"} <= flags:
        found = "avx512_bf16"
    elif {"avx512f", "avx512bw", "avx512vl"} <= flags:
        found = "avx512"
    elif {"avx2", "fma"} <= flags:
        found = "avx2"
    else:
        found = "baseline"
    if cap is not None and CPU_CLASSES.index(cap) < CPU_CLASSES.index(found):
        return cap
    return found


def wants_onednn(cls, machine=None):
    """oneDNN's kernels for TensorFlow on this CPU: on every x86 CPU with
    AVX2 (TensorFlow's own default leaves AVX2-only CPUs on Eigen)."""
    machine = machine or platform.machine()
    return machine in ("x86_64", "AMD64") and cls != "baseline"


@dataclasses.dataclass(frozen=True)
class Devices:
    """What a run computes on: `kind` "cpu", "gpu" or "tpu", how many, a
    name for people, the CPU class, and for GPUs the compute capability
    (e.g. (8, 0) for an A100)."""

    kind: str
    count: int
    name: str
    cpu_class: str
    compute_capability: tuple | None = None

    @property
    def key(self):
        """The device class the measured tables are keyed by, e.g. "cpu:avx2"."""
        if self.kind == "cpu":
            return f"cpu:{self.cpu_class}"
        return self.kind


def native_bf16(devices: Devices):
    """Whether the hardware computes in bfloat16 natively: AMX or
    AVX512_BF16 on CPUs, Ampere (compute capability 8.0) or later GPUs, TPUs."""
    if devices.kind == "gpu":
        return (devices.compute_capability or (0, 0)) >= (8, 0)
    if devices.kind == "tpu":
        return True
    return devices.cpu_class in ("avx512_bf16", "amx")


def choose_precision(devices: Devices, family: str):
    """(policy, why) for `--mixed-precision auto`: "bfloat16" where the
    hardware has native bf16 and it measured faster for the family,
    "float16" on GPUs without bf16, else "none" (float32)."""
    if devices.kind == "gpu" and not native_bf16(devices):
        return "float16", "GPU without bfloat16"
    if not native_bf16(devices):
        return "none", "no native bfloat16"
    if devices.kind in ("gpu", "tpu"):
        return "bfloat16", "native bfloat16"
    if (devices.key, family) in BF16_FASTER:
        return "bfloat16", f"native bfloat16, measured faster ({devices.cpu_class})"
    return "none", f"bfloat16 not measured faster on {devices.cpu_class} for {family}"


def choose_jit(devices: Devices, family: str, strategy="default"):
    """(on, why) for `--jit-compile auto`: XLA where it measured faster for
    the family on the device class. Never on several CPU replicas: XLA
    cannot reach a variable on another logical CPU."""
    if devices.kind == "cpu" and strategy != "default":
        return False, "XLA does not run across CPU replicas"
    if (devices.key, family) in XLA_FASTER:
        return True, f"measured faster for {family} on {devices.key}"
    return False, f"not measured faster for {family} on {devices.key}"


@contextlib.contextmanager
def quiet_native_stderr(keep_cuda_errors=None):
    """Hold what C++ code writes to file descriptor 2 in the block, then pass
    on every line but TensorFlow's start-up chatter (`CHATTER`). A machine
    with NVIDIA devices keeps its CUDA errors: there they mean something."""
    if keep_cuda_errors is None:
        keep_cuda_errors = os.path.exists("/dev/nvidia0")
    try:
        saved = os.dup(2)
    except OSError:  # no file descriptor 2 to redirect
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as held:
        sys.stderr.flush()
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            text = held.read().decode(errors="replace")
            kept = [line for line in text.splitlines()
                    if not CHATTER.search(line)
                    or (keep_cuda_errors and "cuInit" in line)]
            if kept:
                print("\n".join(kept), file=sys.stderr)


_FLAGS = cpu_flags()
CPU_CLASS = cpu_class(_FLAGS, isa_cap(os.environ.get("ONEDNN_MAX_CPU_ISA")))
if "tensorflow" not in sys.modules and wants_onednn(CPU_CLASS):
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

with quiet_native_stderr():
    import tensorflow as tf
    from tensorflow.python.util import _pywrap_util_port
    # Finding the GPUs is where CUDA is probed: do it now, quietly.
    _GPUS = tf.config.list_physical_devices("GPU")


def onednn_enabled():
    """Whether TensorFlow runs its oneDNN kernels in this process."""
    return bool(_pywrap_util_port.IsMklEnabled())


@functools.cache  # once per process, as TensorFlow says it
def take_onednn_bool_notice():
    """Say TensorFlow's oneDNN DT_BOOL notice now, quietly. Its oneDNN pass
    logs "oneDNN supports DT_BOOL only on platforms with AVX-512" as an error
    the first time a graph transposes booleans (a masked recurrent layer
    does: the text encoders), once per process and on AVX2 and Zen 4 CPUs
    alike; it changes nothing (Eigen's kernel runs). Call it before the
    first such graph, where TensorFlow may run ops (not at import: the
    user's thread settings must come first)."""
    if not onednn_enabled():
        return
    with quiet_native_stderr():
        tf.function(lambda x: tf.transpose(x))(tf.constant([[True, False]]))


def local_devices():
    """The `Devices` TensorFlow will use here: every GPU, else the TPU the
    strategy names, else the CPU."""
    if _GPUS:
        details = tf.config.experimental.get_device_details(_GPUS[0])
        return Devices("gpu", len(_GPUS), details.get("device_name", _GPUS[0].name),
                       CPU_CLASS, details.get("compute_capability"))
    return Devices("cpu", 1, f"{cpu_model()} ({os.cpu_count()} cores)", CPU_CLASS)


CLASS_NAMES = {"baseline": "no AVX2", "avx2": "AVX2", "avx512": "AVX-512",
               "avx512_bf16": "AVX-512 with BF16", "amx": "AMX"}


def describe(devices: Devices, precision, jit, why_precision="", why_jit=""):
    """The one line a run prints before training: devices, precision, XLA."""
    if devices.kind == "cpu":
        cap = os.environ.get("ONEDNN_MAX_CPU_ISA")
        isa = CLASS_NAMES[devices.cpu_class] + (f", ONEDNN_MAX_CPU_ISA={cap}" if cap else "")
        kernels = "oneDNN" if onednn_enabled() else "Eigen"
        where = f"CPU {devices.name}, {isa}, {kernels} kernels"
    else:
        where = f"{devices.count} x {devices.kind.upper()} {devices.name}"
    precision = {"none": "float32"}.get(precision, f"mixed {precision}")
    precision += f" ({why_precision})" if why_precision else ""
    xla = ("XLA on" if jit else "XLA off") + (f" ({why_jit})" if why_jit else "")
    return f"Devices: {where}; {precision}; {xla}"

"""tfgan_zoo.devices: the CPU class from (faked) CPU flags, the ISA cap, the
`auto` precision and XLA choices, the oneDNN policy, the quiet start, and
the --jit-compile / --mixed-precision flags that reach them."""

import os
import subprocess
import sys

import pytest

from tfgan_zoo import devices
from tfgan_zoo.config import Config, parse_args, validate
from tfgan_zoo.errors import UserError
from tfgan_zoo.training import trainer

# /proc/cpuinfo flags of the machines the choices were measured on (abridged).
ZEN2 = "fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 sha_ni"
ZEN4 = ZEN2 + " avx512f avx512dq avx512bw avx512vl avx512_bf16 avx512_vnni"
SAPPHIRE_RAPIDS = ZEN4 + " avx512_fp16 amx_bf16 amx_tile amx_int8"


def cls(flags, cap=None):
    return devices.cpu_class(frozenset(flags.split()), devices.isa_cap(cap))


def cpu(cpu_class):
    return devices.Devices("cpu", 1, "test CPU", cpu_class)


def test_cpu_flags_and_model_from_cpuinfo():
    text = "processor\t: 0\nmodel name\t: AMD EPYC 7B12\nflags\t\t: fpu avx2 fma\n"
    assert devices.cpu_flags(text) == {"fpu", "avx2", "fma"}
    assert devices.cpu_model(text) == "AMD EPYC 7B12"
    assert devices.cpu_flags("") == frozenset()


def test_cpu_class_from_flags():
    assert cls(ZEN2) == "avx2"
    assert cls(ZEN4) == "avx512_bf16"
    assert cls(SAPPHIRE_RAPIDS) == "amx"
    assert cls(ZEN4.replace("avx512_bf16", "")) == "avx512"
    assert cls("fpu sse sse2 avx") == "baseline"


def test_onednn_isa_cap_lowers_the_class_never_raises_it():
    assert cls(SAPPHIRE_RAPIDS, "AVX2") == "avx2"
    assert cls(SAPPHIRE_RAPIDS, "avx512_core") == "avx512"
    assert cls(SAPPHIRE_RAPIDS, "AVX512_CORE_BF16") == "avx512_bf16"
    assert cls(SAPPHIRE_RAPIDS, "AVX512_CORE_AMX") == "amx"
    assert cls(ZEN2, "AVX512_CORE_AMX") == "avx2"
    assert cls(ZEN4, "SSE41") == "baseline"
    assert devices.isa_cap(None) is None and devices.isa_cap("ALL") is None


def test_onednn_on_for_every_x86_cpu_with_avx2():
    # TensorFlow's own default leaves an AVX2-only CPU on Eigen.
    assert devices.wants_onednn("avx2", "x86_64")
    assert devices.wants_onednn("amx", "x86_64")
    assert not devices.wants_onednn("baseline", "x86_64")
    assert not devices.wants_onednn("avx2", "aarch64")


@pytest.mark.parametrize("cpu_class", ["baseline", "avx2", "avx512"])
def test_auto_precision_is_float32_without_native_bfloat16(cpu_class):
    for family in ("noise2image", "image2image", "text2image"):
        assert devices.choose_precision(cpu(cpu_class), family)[0] == "none"


def test_auto_precision_follows_the_measured_table():
    # bfloat16 measured faster on AMX and on Zen 4's AVX512_BF16 for the
    # conv families; plain AVX-512 and a family never measured stay float32.
    for family in ("noise2image", "image2image", "text2image"):
        for cls in ("amx", "avx512_bf16"):
            precision, why = devices.choose_precision(cpu(cls), family)
            assert (precision, why) == ("bfloat16", f"native bfloat16, measured faster ({cls})")
        assert devices.choose_precision(cpu("avx512"), family)[0] == "none"
    assert devices.choose_precision(cpu("amx"), "sequence")[0] == "none"
    assert devices.choose_precision(cpu("avx512_bf16"), "volume")[0] == "none"


def test_auto_precision_on_gpus():
    v100 = devices.Devices("gpu", 1, "V100", "avx2", (7, 0))
    a100 = devices.Devices("gpu", 2, "A100", "avx2", (8, 0))
    assert devices.choose_precision(v100, "noise2image")[0] == "float16"
    assert devices.choose_precision(a100, "image2image")[0] == "bfloat16"


def test_auto_xla_follows_the_measured_table_and_never_spans_cpu_replicas():
    for (key, family) in devices.XLA_FASTER:
        if key.startswith("cpu:"):
            here = cpu(key.split(":")[1])
            assert devices.choose_jit(here, family) == (True, devices.choose_jit(here, family)[1])
            assert devices.choose_jit(here, family, strategy="mirrored")[0] is False
    assert devices.choose_jit(cpu("avx2"), "noise2image")[0] is (
        ("cpu:avx2", "noise2image") in devices.XLA_FASTER)


def test_quiet_start_drops_tensorflow_chatter_only(capfd):
    with devices.quiet_native_stderr(keep_cuda_errors=False):
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called "
                    b"are written to STDERR\n"
                    b"E0000 00:00:1 12 cuda_platform.cc:52] failed call to cuInit: "
                    b"INTERNAL: CUDA error\n"
                    b"I0000 00:00:1 12 port.cc:153] oneDNN custom operations are on.\n"
                    b"E0000 00:00:1 12 util.cc:131] oneDNN supports DT_BOOL only on "
                    b"platforms with AVX-512. Falling back to the default Eigen-based "
                    b"implementation if present.\n"
                    b"E0000 00:00:1 12 node_def_util.cc:682] NodeDef mentions attribute "
                    b"Truncate which is not in the op definition: Op<name=Identity>\n"
                    b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n"
                    b"something the user must see\n")
    err = capfd.readouterr().err
    assert err.strip() == "something the user must see"


def test_quiet_start_keeps_cuda_errors_where_there_is_a_gpu(capfd):
    with devices.quiet_native_stderr(keep_cuda_errors=True):
        os.write(2, b"E0000 00:00:1 12 cuda_platform.cc:52] failed call to cuInit: X\n")
    assert "cuInit" in capfd.readouterr().err


def test_jit_compile_and_precision_flags():
    recipe = Config(recipe="t", model="dcgan")
    assert parse_args(recipe, []).jit_compile == "auto"
    assert parse_args(recipe, []).mixed_precision == "auto"
    assert parse_args(recipe, ["--jit-compile"]).jit_compile is True
    assert parse_args(recipe, ["--jit-compile", "off"]).jit_compile is False
    assert parse_args(recipe, ["--no-jit-compile"]).jit_compile is False
    assert parse_args(recipe, ["--jit-compile", "auto"]).jit_compile == "auto"
    with pytest.raises(SystemExit):
        parse_args(recipe, ["--jit-compile", "sometimes"])
    with pytest.raises(UserError, match="--jit-compile is a switch: pass auto, on or off"):
        validate(Config(jit_compile="sometimes"))


def test_resolve_speed_decides_auto_and_keeps_explicit_choices(monkeypatch):
    monkeypatch.setattr(devices, "local_devices", lambda: cpu("amx"))
    config, line = trainer.resolve_speed(Config(model="dcgan"))
    assert config.mixed_precision == devices.choose_precision(cpu("amx"), "noise2image")[0]
    assert config.jit_compile is (("cpu:amx", "noise2image") in devices.XLA_FASTER)
    assert line.startswith("Devices: CPU test CPU, AMX") and "auto:" in line
    config, line = trainer.resolve_speed(Config(model="dcgan", mixed_precision="none",
                                                jit_compile=True))
    assert (config.mixed_precision, config.jit_compile) == ("none", True)
    assert "float32 (set)" in line and "XLA on (set)" in line
    monkeypatch.setattr(devices, "local_devices", lambda: cpu("avx2"))
    config, _ = trainer.resolve_speed(Config(model="dcgan"))
    assert config.mixed_precision == "none"


def test_tensorflow_runs_onednn_here_when_the_cpu_has_avx2():
    if "tensorflow" in sys.modules and "TF_ENABLE_ONEDNN_OPTS" not in os.environ:
        pytest.skip("TensorFlow was imported before tfgan_zoo set its oneDNN policy")
    expected = os.environ["TF_ENABLE_ONEDNN_OPTS"].lower() in ("1", "true")
    assert devices.onednn_enabled() is expected


def test_a_text_encoder_trains_and_converts_without_native_notices():
    # In a fresh process (each notice comes once per process): a masked
    # GRU's first graph (oneDNN's "E0000 ... DT_BOOL" line), its LiteRT
    # conversion and LiteRT's first interpreter ("Created TensorFlow Lite
    # XNNPACK delegate") say nothing on stderr.
    code = ("import tensorflow as tf\n"
            "from tfgan_zoo.export import tflite\n"
            "from tfgan_zoo.text.encoder import text_encoder\n"
            "m = text_encoder(20, 6, word_dim=4, hidden=4, embedding_dim=4)\n"
            "tf.function(m)(tf.constant([[3, 4, 0, 0, 0, 0]]))\n"
            "lite = tflite.convert_network(m, 'tokens', 'embedding')\n"
            "tflite.run(lite, {'tokens': [[3, 4, 0, 0, 0, 0]]})\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=True)
    for notice in ("DT_BOOL", "XNNPACK", "NodeDef"):
        assert notice not in done.stderr, done.stderr

"""LiteRT (TFLite) generators for phones.

The model's `serving_default` endpoint is converted at a fixed batch of 1
(which removes dynamic-shape ops) with TFLite built-in ops only, so the GPU
delegate and NNAPI can run it; Select TF ops are never enabled. Variants:

    none     float32 weights and activations
    float16  float16 weights, float32 compute (GPU delegates run it in fp16)
    dynamic  int8 weights, activations quantized on the fly
    int8     int8 weights and activations (integer-only ops), calibrated on
             the recipe's own noise and data; float32 inputs and outputs

Inputs and outputs keep their names: `z` [1, nz] (`label` [1], ...) in,
`images` uint8 and `images_float` out (a classifier: `image` in,
`probabilities` and `classes` out). Inference uses `ai_edge_litert`.
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
import warnings

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo.devices import quiet_native_stderr
from tfgan_zoo.errors import UserError
from tfgan_zoo.data import load_dataset
from tfgan_zoo.evaluation.metrics import psnr
from tfgan_zoo.export.graph import DEFAULT_SIGNATURE, float32_model, write_graph

QUANTIZATIONS = ("none", "float16", "dynamic", "int8")
VARIANTS = {"none": "float32", "float16": "float16", "dynamic": "dynamic",
            "int8": "int8"}
# Generator inputs that the recipe's dataset can supply for calibration,
# keyed by input name: index into a (images, labels) element.
DATA_INPUTS = {"image": 0, "label": 1}


# --------------------------------------------------------- calibration data
def _load_batch(config, num, seed):
    """One shuffled batch (images, labels or None) of the run's dataset, or
    None (with a warning) when it cannot be loaded here."""
    try:
        data = load_dataset(config["dataset"], batch_size=num,
                            image_size=config.get("image_size"),
                            channels=config.get("channels"),
                            data_dir=config.get("data_dir"), split="train",
                            shuffle=True, seed=seed, repeat=True,
                            drop_remainder=False, cache=False)
        element = next(iter(data.dataset))
    except Exception as e:  # calibration data is a nicety, never a blocker
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        warnings.warn(f"int8 calibration without dataset '{config['dataset']}' "
                      f"({first}); using example inputs")
        return None
    parts = element if isinstance(element, (tuple, list)) else (element,)
    # Only plain tensors: a dict of features (e.g. captions) feeds no input here.
    return tuple(np.asarray(p) if tf.is_tensor(p) else None
                 for p in (list(parts) + [None])[:2])


def representative_inputs(model, num, config=None, seed=0):
    """`num` generator inputs for int8 calibration, and where they came from.

    Noise comes from the model's own prior (`example_inputs`, or an input's
    `calibration` values where it declares them); inputs the
    dataset holds (`label`, `image`: element 1 and 0 of its batches) come
    from the recipe's dataset where their shapes fit, so calibration sees
    its label distribution and real images."""
    config = config if config is None or isinstance(config, dict) else config.to_dict()
    inputs = model.example_inputs(num, seed=seed)
    for key, inp in model.generator_inputs().items():
        if inp.calibration is not None and key in inputs:
            inputs[key] = inp.calibration(num, seed)
    specs = model.generator_input_spec()
    wanted = [k for k in inputs if k in DATA_INPUTS]
    prior = [k for k in inputs if k not in wanted]
    sources = [f"{', '.join(prior)} from the model's prior"] if prior else []
    batch = _load_batch(config, num, seed) if wanted and config else None
    for key in wanted:
        value = None if batch is None else batch[DATA_INPUTS[key]]
        spec = specs[key]
        fits = (value is not None and len(value) >= num
                and spec.shape[1:].is_compatible_with(value.shape[1:])
                and (spec.dtype.is_floating or np.issubdtype(value.dtype, np.integer)))
        if not fits:
            sources.append(f"{key} from example_inputs")
            continue
        inputs[key] = np.asarray(value[:num]).astype(spec.dtype.as_numpy_dtype)
        sources.append(f"{key} from dataset '{config['dataset']}'")
    return inputs, "; ".join(sources)


def _rows(inputs, i):
    return {k: np.asarray(v[i:i + 1]) for k, v in inputs.items()}


# --------------------------------------------------------------- conversion
class LiteView:
    """A model as its LiteRT export sees it: every generator input in its
    `lite` form (`tfgan_zoo.core.Input`): static shapes where the SavedModel
    takes any size (SRGAN's tiles), and a caption's embedding where it takes
    the string, which no built-in op can read (the tokenizer and text
    encoder stay on the server). Everything else is the model's."""

    def __init__(self, model):
        self.model = model
        self.name, self.image_shape = model.name, model.image_shape
        self.latent_dim = model.latent_dim
        self.float_output, self.output_docs = model.float_output, model.output_docs
        self.output_spec, self.serving_outputs = model.output_spec, model.serving_outputs

    def generator_inputs(self):
        return {inp.lite_name or name: inp.lite or inp
                for name, inp in self.model.generator_inputs().items()}

    def generator_input_spec(self, batch_size=None):
        return {k: v.spec(k, batch_size) for k, v in self.generator_inputs().items()}

    def example_inputs(self, n, seed=0):
        values = self.model.example_inputs(n, seed)
        for name, inp in self.model.generator_inputs().items():
            if inp.to_lite is not None:
                values[inp.lite_name] = np.asarray(inp.to_lite(values.pop(name)))
        return values

    def generate_from(self, inputs, training=False):
        return self.model.generate_from(inputs, training=training)

    def export_networks(self):
        return self.model.lite_networks()

    def export_endpoints(self, batch_size=None):
        return []

    def get_config(self):
        return self.model.get_config()


def lite_model(model):
    """What is converted: the model's LiteRT view (see `LiteView`), of its
    float32 twin where it was trained in mixed precision (`float32_model`)."""
    return model if isinstance(model, LiteView) else LiteView(float32_model(model))


def batch_one_saved_model(model, directory):
    """Write the `serving_default` endpoint at a fixed batch of 1, the
    converter's input."""
    # No request asserts: the converter would drop them anyway, and a phone
    # app validates its own inputs.
    write_graph(model, directory, batch_size=1, names=[DEFAULT_SIGNATURE], checks=False)
    return directory


def convert(model, quantize="none", representative=None, integer_only=True,
            saved_model_dir=None):
    """The generator as a .tflite flatbuffer (bytes) at batch 1, built-in
    ops only. `representative` (dict of numpy, batch first) calibrates int8;
    `integer_only=False` lets ops without int8 kernels stay float.
    `saved_model_dir` reuses a `batch_one_saved_model` across variants."""
    if quantize not in QUANTIZATIONS:
        raise UserError(f"unknown quantization '{quantize}': choose "
                        f"{', '.join(QUANTIZATIONS)}")
    model = lite_model(model)
    if saved_model_dir is None:
        with tempfile.TemporaryDirectory(prefix="tfgan_zoo-tflite-") as tmp:
            return convert(model, quantize, representative, integer_only,
                           batch_one_saved_model(model, tmp))
    if quantize == "int8" and representative is None:
        raise UserError("int8 quantization needs representative inputs")
    return _convert_saved_model(saved_model_dir, quantize, representative, integer_only,
                                f"{type(model).__name__}'s generator")


def convert_network(network, input_name, output_name):
    """A one-input Keras network as a float32 .tflite flatbuffer at batch 1,
    built-in ops only: `input_name` in, `output_name` out. This is how a
    client that runs two LiteRT models (the web page) gets the piece a
    `LiteView` leaves to the server, e.g. a text encoder from token ids
    to the caption embedding the generator takes (its GRU converts only
    at a static batch)."""
    spec = tf.TensorSpec([1, *network.input_shape[1:]], network.inputs[0].dtype,
                         name=input_name)
    archive = keras.export.ExportArchive()
    archive.add_endpoint(DEFAULT_SIGNATURE, lambda inputs: {
        output_name: tf.cast(network(inputs[input_name], training=False), tf.float32)},
        input_signature=[{input_name: spec}])
    with tempfile.TemporaryDirectory(prefix="tfgan_zoo-tflite-") as tmp:
        archive.write_out(tmp, verbose=False)
        return _convert_saved_model(tmp, "none", None, True, f"network '{network.name}'")


def _convert_saved_model(saved_model_dir, quantize, representative, integer_only, what):
    converter = tf.lite.TFLiteConverter.from_saved_model(
        str(saved_model_dir), signature_keys=[DEFAULT_SIGNATURE])
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    if quantize != "none":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantize == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if quantize == "int8":
        n = len(next(iter(representative.values())))
        converter.representative_dataset = lambda: (
            _rows(representative, i) for i in range(n))
        if integer_only:
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    try:
        # The converter's native notices (`devices.CHATTER`) are dropped;
        # its errors still reach the user.
        with warnings.catch_warnings(), quiet_native_stderr():
            # int8 calibration runs TF's own (deprecated) tf.lite.Interpreter.
            warnings.filterwarnings("ignore", r"\s*Warning: tf.lite.Interpreter")
            return converter.convert()
    except Exception as e:  # ConverterError and friends
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UserError(f"TFLite conversion ({VARIANTS[quantize]}) of {what} failed: "
                        f"{first}; it needs ops outside the TFLite built-ins: export "
                        "--format saved_model") from None


# ---------------------------------------------------------------- inference
def interpreter(model_content, num_threads=1, delegates=True):
    """An `ai_edge_litert` Interpreter for a flatbuffer (bytes) or path, its
    tensors allocated (resizing an input needs `allocate_tensors()` again)."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    kwargs = {"num_threads": num_threads}
    if not delegates:
        kwargs["experimental_op_resolver_type"] = (
            OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    if isinstance(model_content, (bytes, bytearray)):
        kwargs["model_content"] = bytes(model_content)
    else:
        kwargs["model_path"] = str(model_content)
    # The first allocation applies the default delegate, and LiteRT says so
    # ("Created TensorFlow Lite XNNPACK delegate"): quietly.
    with quiet_native_stderr():
        runner = Interpreter(**kwargs)
        runner.allocate_tensors()
    return runner


def run(model_content, inputs, num_threads=1, delegates=True):
    """Outputs for a batch of numpy inputs, one image at a time (the model
    has a fixed batch of 1). Returns {output name: stacked numpy}.
    `delegates=False` runs LiteRT's reference kernels instead of XNNPack."""
    runner = interpreter(model_content, num_threads, delegates).get_signature_runner(
        DEFAULT_SIGNATURE)
    details = runner.get_input_details()
    n = len(next(iter(inputs.values())))
    outs = []
    for i in range(n):
        feed = {k: v.astype(details[k]["dtype"]) for k, v in _rows(inputs, i).items()}
        outs.append({k: np.array(v) for k, v in runner(**feed).items()})
    return {k: np.concatenate([o[k] for o in outs]) for k in outs[0]}


def latency_ms(model_content, inputs, runs=30, num_threads=1):
    """(median, best) wall time of one batch-1 invocation, in milliseconds.
    The best run is the one least disturbed by other work on the machine."""
    runner = interpreter(model_content, num_threads).get_signature_runner(
        DEFAULT_SIGNATURE)
    details = runner.get_input_details()
    feed = {k: v.astype(details[k]["dtype"]) for k, v in _rows(inputs, 0).items()}
    for _ in range(3):
        runner(**feed)
    times = []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        runner(**feed)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times), 1000 * min(times)


def operators(model_content):
    """(built-in op names, custom op names) in a flatbuffer; a model the GPU
    delegate and NNAPI can run has no custom ops (Select TF ops are custom
    ops named Flex*)."""
    from ai_edge_litert import schema_py_generated as schema

    if not isinstance(model_content, (bytes, bytearray)):
        with open(model_content, "rb") as f:
            model_content = f.read()
    names = {v: k for k, v in vars(schema.BuiltinOperator).items()
             if not k.startswith("_")}
    flat = schema.Model.GetRootAsModel(bytearray(model_content), 0)
    builtin, custom = set(), set()
    for i in range(flat.OperatorCodesLength()):
        code = flat.OperatorCodes(i)
        op = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        if op == schema.BuiltinOperator.CUSTOM:
            custom.add(code.CustomCode().decode())
        else:
            builtin.add(names.get(op, str(op)))
    return sorted(builtin), sorted(custom)


def io_details(model_content):
    """{"inputs"/"outputs": {name: {"shape", "dtype"}}} of the signature."""
    runner = interpreter(model_content).get_signature_runner(DEFAULT_SIGNATURE)
    describe = lambda d: {k: {"shape": v["shape"].tolist(),
                              "dtype": np.dtype(v["dtype"]).name}
                          for k, v in d.items()}
    return {"inputs": describe(runner.get_input_details()),
            "outputs": describe(runner.get_output_details())}


def _finite_or_none(value):
    return value if np.isfinite(value) else None  # identical images


def machine():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _convert_variant(model, quantize, representative, saved_model_dir, name):
    """(bytes, integer_only): int8 falls back to float for ops that have no
    int8 kernel rather than failing."""
    try:
        return convert(model, quantize, representative, integer_only=True,
                       saved_model_dir=saved_model_dir), quantize == "int8"
    except UserError:
        if quantize != "int8":
            raise
    warnings.warn(f"{name}: not every op has an int8 kernel; the int8 variant "
                  "keeps those ops in float")
    return convert(model, quantize, representative, integer_only=False,
                   saved_model_dir=saved_model_dir), False


def convert_variants(model, quantize=QUANTIZATIONS, *, config=None, name="generator",
                     calibration_samples=100, measure_inputs=16, latency_runs=30,
                     num_threads=1, seed=0):
    """Convert every variant in `quantize` and measure it against the Keras
    generator on `measure_inputs` held-out inputs. Returns
    ({variant: bytes}, info for the model card)."""
    config = config if config is None or isinstance(config, dict) else config.to_dict()
    model = lite_model(model)
    reference_inputs = model.example_inputs(measure_inputs, seed=seed + 1_000_003)
    reference = model.generate_from(
        {k: tf.convert_to_tensor(v) for k, v in reference_inputs.items()}).numpy()
    representative, source = (None, None)
    if "int8" in quantize:
        representative, source = representative_inputs(
            model, calibration_samples, config, seed=(config or {}).get("seed", seed))
    blobs, variants = {}, {}
    with tempfile.TemporaryDirectory(prefix="tfgan_zoo-tflite-") as tmp:
        batch_one_saved_model(model, tmp)
        for q in quantize:
            blobs[VARIANTS[q]] = _convert_variant(model, q, representative, tmp, name)
    for q in quantize:
        variant = VARIANTS[q]
        data, integer_only = blobs[variant]
        out = run(data, reference_inputs, num_threads)[model.float_output]
        builtin, custom = operators(data)
        median_ms, best_ms = latency_ms(data, reference_inputs, latency_runs,
                                        num_threads)
        info = {"file": f"{name}_{variant}.tflite", "quantization": q,
                "bytes": len(data),
                "latency_ms": median_ms, "latency_ms_best": best_ms,
                "max_abs_diff_vs_keras": float(np.abs(out - reference).max()),
                # Any sample kind (voxels, frames, series) as one column of pixels.
                "psnr_db_vs_float": _finite_or_none(psnr(
                    out.reshape(len(out), -1, 1, 1), reference.reshape(len(out), -1, 1, 1),
                    per_image=False)),
                "builtin_ops": builtin, "custom_ops": custom}
        if q == "int8":
            info["integer_only"] = integer_only
        variants[variant] = info
        blobs[variant] = data
    card = {"signature": DEFAULT_SIGNATURE, "batch_size": 1,
            **(io_details(next(iter(blobs.values()))) if blobs else {}),
            "measured_on": {"inputs": measure_inputs, "latency_runs": latency_runs,
                            "num_threads": num_threads, "machine": machine(),
                            "load_average": round(os.getloadavg()[0], 2),
                            "runtime": "ai_edge_litert Interpreter"},
            "variants": variants}
    if representative is not None:
        card["calibration"] = {"samples": calibration_samples, "source": source}
    return blobs, card

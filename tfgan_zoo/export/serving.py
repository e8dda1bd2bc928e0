"""Export for TF Serving and phones: versioned layout, `models.config`,
warmup records, model cards, and a local stand-in for the server's API.

    EXPORT_ROOT/
      models.config                   every served model, for --model_config_file
      <name>/<version>/               a SavedModel, one per version
        saved_model.pb, variables/
        model_card.json               signatures, training config, dataset, metrics
        assets.extra/tf_serving_warmup_requests
        assets.extra/config.json      the training config
      tflite/<name>/<version>/        the LiteRT variants of the same version
        <name>_float32.tflite, <name>_float16.tflite, <name>_dynamic.tflite,
        <name>_int8.tflite, model_card.json

Each version directory is written under a hidden temporary name and renamed
into place, so a polling server never sees half a version; an existing
version is never overwritten. Phone models live in their own tree so that a
TFLite-only version never appears to TF Serving as a SavedModel it cannot
load.

`rest_predict` and `grpc_predict` answer TF Serving's REST and gRPC predict
requests from a loaded SavedModel, so request formats can be checked (and
documented) where the server itself cannot run.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
import re
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.export import saved_model as sm
from tfgan_zoo.images import write_atomic

FORMATS = ("saved_model", "tflite")
TFLITE_DIR = "tflite"
WARMUP_FILE = "tf_serving_warmup_requests"
CARD_FILE = "model_card.json"
CONFIG_FILE = "models.config"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


# ----------------------------------------------------------------- naming
def registry_name(model):
    """The name `model`'s class is registered under, else its class name."""
    from tfgan_zoo.registry import MODELS
    target = f"{type(model).__module__}:{type(model).__name__}"
    for name, path in MODELS.items():
        if path == target:
            return name
    return type(model).__name__.lower()


def default_name(model, config=None):
    """The served model's name: the recipe's, else the model's."""
    recipe = (config or {}).get("recipe")
    if recipe and recipe != "custom":
        return recipe
    return registry_name(model)


def check_name(name):
    if not NAME.match(name or "") or name == TFLITE_DIR or name.isdigit():
        raise UserError(f"invalid model name '{name}': use letters, digits, '_', "
                        f"'-' or '.', not all digits and not '{TFLITE_DIR}' "
                        "(pass --name)")
    return name


# --------------------------------------------------------------- versions
def _numeric_dirs(path):
    if not path.is_dir():
        return []
    return [int(p.name) for p in path.iterdir() if p.is_dir() and p.name.isdigit()]


def versions(export_root, name):
    """Versions of `name` that exist in the serving or the TFLite tree."""
    root = Path(export_root)
    return sorted(set(_numeric_dirs(root / name))
                  | set(_numeric_dirs(root / TFLITE_DIR / name)))


def next_version(export_root, name):
    taken = versions(export_root, name)
    return taken[-1] + 1 if taken else 1


def version_dirs(export_root, name, version):
    root = Path(export_root)
    return {"saved_model": root / name / str(version),
            "tflite": root / TFLITE_DIR / name / str(version)}


# ----------------------------------------------------------- models.config
def served_models(export_root):
    """Names under `export_root` with at least one SavedModel version."""
    root = Path(export_root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and p.name != TFLITE_DIR and not p.name.startswith(".")
                  and any((p / str(v) / "saved_model.pb").is_file()
                          for v in _numeric_dirs(p)))


def models_config_text(names, base_path="/models"):
    """A ModelServerConfig (text proto) serving each name from
    `<base_path>/<name>`, the path the export root is mounted at."""
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2 as pb

    config = pb.ModelServerConfig()
    for name in names:
        entry = config.model_config_list.config.add()
        entry.name = name
        entry.base_path = f"{base_path.rstrip('/')}/{name}"
        entry.model_platform = "tensorflow"
    return text_format.MessageToString(config)


def write_models_config(export_root, base_path="/models"):
    """(Re)write `EXPORT_ROOT/models.config` listing every served model."""
    path = Path(export_root) / CONFIG_FILE
    write_atomic(path, models_config_text(served_models(export_root),
                                          base_path).encode())
    return path


# ----------------------------------------------------------------- warmup
def predict_request(model_name, signature_name, inputs, specs=None):
    """A `tensorflow_serving.apis.predict_pb2.PredictRequest` for numpy
    inputs, cast to the signature's dtypes when `specs` is given."""
    from tensorflow_serving.apis import predict_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.name = model_name
    request.model_spec.signature_name = signature_name
    for key, value in inputs.items():
        dtype = specs[key].dtype.as_numpy_dtype if specs else None
        request.inputs[key].CopyFrom(tf.make_tensor_proto(np.asarray(value, dtype)))
    return request


def write_warmup(saved_model_dir, endpoint_list, model_name):
    """`assets.extra/tf_serving_warmup_requests`: one PredictionLog per
    signature, which TF Serving replays before it marks a version ready, so
    the first real request does not pay for graph initialisation."""
    from tensorflow_serving.apis import prediction_log_pb2

    path = Path(saved_model_dir) / "assets.extra" / WARMUP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with tf.io.TFRecordWriter(str(path)) as writer:
        for e in endpoint_list:
            log = prediction_log_pb2.PredictionLog(
                predict_log=prediction_log_pb2.PredictLog(
                    request=predict_request(model_name, e.name, e.example, e.inputs)))
            writer.write(log.SerializeToString())
    return path


def read_warmup(saved_model_dir):
    """The PredictionLog records of a version's warmup file."""
    from tensorflow_serving.apis import prediction_log_pb2

    path = Path(saved_model_dir) / "assets.extra" / WARMUP_FILE
    return [prediction_log_pb2.PredictionLog.FromString(record.numpy())
            for record in tf.data.TFRecordDataset(str(path))]


# ------------------------------------------------------------- model card
def read_metrics(run_dir):
    """Metrics recorded for a run: every `python -m tfgan_zoo.evaluate`
    result in `RUN/eval/*.json` (by file name, with its protocol), and
    `RUN/metrics.json` or the last line of `RUN/metrics.jsonl` if present.
    Empty when none are known."""
    if run_dir is None:
        return {}
    run_dir = Path(run_dir)
    found = {}
    for path in sorted((run_dir / "eval").glob("*.json")):
        try:
            result = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        found[path.stem] = {"metrics": result.get("metrics", result),
                            "protocol": result.get("protocol")}
    if (run_dir / "metrics.json").is_file():
        found["metrics.json"] = json.loads((run_dir / "metrics.json").read_text())
    elif (run_dir / "metrics.jsonl").is_file():
        lines = [l for l in (run_dir / "metrics.jsonl").read_text().splitlines()
                 if l.strip()]
        if lines:
            found["metrics.jsonl"] = json.loads(lines[-1])
    return found


def model_card(model, *, config=None, name=None, version=None, signatures=None,
               tflite=None, metrics=None):
    """The model card: what the model is, how it was trained, what it
    serves, and how well it does where known."""
    import keras
    import tfgan_zoo

    config = sm._config_dict(config) or {}
    card = {
        "name": name or default_name(model, config),
        "version": version,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"),
        "model": {
            "registry_name": registry_name(model),
            "class": type(model).__name__,
            "hyperparameters": json.loads(json.dumps(model.get_config(), default=str)),
            "image_shape": list(model.image_shape),
            "latent_dim": model.latent_dim,
            "num_classes": model.num_classes,
            "training_step": getattr(model, "step", None),
        },
        "dataset": config.get("dataset"),
        "training_config": config or None,
        "metrics": metrics or {},
        "outputs": {"images": "uint8 NHWC in [0, 255], round((x + 1) * 127.5)",
                    "images_float": "float32 NHWC in [-1, 1]"},
        "signatures": signatures or {},
        "tflite": tflite or {},
        "software": {"tfgan_zoo": tfgan_zoo.__version__, "tensorflow": tf.__version__,
                     "keras": keras.__version__},
    }
    return card


def write_model_card(directory, card):
    path = Path(directory) / CARD_FILE
    path.write_text(json.dumps(card, indent=2, default=str) + "\n")
    return path


# ------------------------------------------------------------------ export
@dataclasses.dataclass
class ExportResult:
    name: str
    version: int
    saved_model: Path | None
    tflite: dict          # variant -> Path of the .tflite file
    card: dict
    models_config: Path | None

    def summary(self):
        """Human-readable lines: paths, signatures, TFLite sizes and speed."""
        lines = [f"{self.name} version {self.version}"]
        if self.saved_model:
            lines.append(f"  SavedModel  {self.saved_model}  signatures: "
                         + ", ".join(self.card["signatures"]))
        tflite = self.card["tflite"]
        if tflite.get("variants"):
            where = tflite["measured_on"]
            lines.append(f"  TFLite (batch 1; latency: median / best of "
                         f"{where['latency_runs']} runs, {where['num_threads']} thread, "
                         f"this machine; PSNR on {where['inputs']} held-out inputs)")
        for variant, info in tflite.get("variants", {}).items():
            psnr = info.get("psnr_db_vs_float")
            psnr = "identical" if psnr is None else f"{psnr:.1f} dB"
            lines.append(f"    {variant:8s} {info['bytes'] / 1024:9.1f} KiB  "
                         f"{info['latency_ms']:7.3f} / {info['latency_ms_best']:.3f} "
                         f"ms/image  PSNR vs float {psnr:>9s}  {self.tflite[variant]}")
        if self.models_config:
            lines.append(f"  models.config  {self.models_config}")
        return "\n".join(lines)


def parse_list(value, allowed, what):
    """'a,b' or a sequence -> a tuple of allowed names, in the given order."""
    items = value.split(",") if isinstance(value, str) else list(value)
    items = [i.strip() for i in items if i.strip()]
    unknown = [i for i in items if i not in allowed]
    if unknown or not items:
        raise UserError(f"unknown {what} '{','.join(unknown) or value}': choose from "
                        f"{','.join(allowed)}")
    return tuple(dict.fromkeys(items))


def export_model(model, export_root, *, name=None, version=None,
                 formats=FORMATS, quantize=None, config=None, metrics=None,
                 calibration_samples=100, base_path="/models",
                 measure_inputs=16, latency_runs=30):
    """Export `model`'s generator as version `version` (default: the next
    free one) of `name` under `export_root`: a SavedModel for TF Serving,
    LiteRT variants for phones (`quantize`, default all of none, float16,
    dynamic and int8), model cards, warmup records and `models.config`.

    Returns an `ExportResult`; `.summary()` lists sizes, latencies and the
    PSNR of each quantized variant against the float generator."""
    from tfgan_zoo.export import tflite as tfl

    formats = parse_list(formats, FORMATS, "format")
    if quantize is None:
        quantize = tfl.QUANTIZATIONS
    quantize = parse_list(quantize, tfl.QUANTIZATIONS, "quantization")
    config = sm._config_dict(config)
    name = check_name(name or default_name(model, config))
    if version is None:
        version = next_version(export_root, name)
    elif not isinstance(version, int) or version < 1:
        raise UserError(f"version must be a positive integer, got {version!r}: "
                        "pass --version N with N >= 1")
    dirs = version_dirs(export_root, name, version)
    taken = [str(dirs[f]) for f in formats if dirs[f].exists()]
    if taken:
        raise UserError(f"version {version} of '{name}' already exists at "
                        f"{', '.join(taken)}; versions are never overwritten: "
                        "pass a new --version or omit it for the next one")

    tflite_info, tflite_bytes = {}, {}
    if "tflite" in formats:
        tflite_bytes, tflite_info = tfl.convert_variants(
            model, quantize, config=config, name=name,
            calibration_samples=calibration_samples, measure_inputs=measure_inputs,
            latency_runs=latency_runs)
    signatures = sm.signature_summary(sm.endpoints(model))
    card = model_card(model, config=config, name=name, version=version,
                      signatures=signatures if "saved_model" in formats else {},
                      tflite=tflite_info, metrics=metrics)

    result = ExportResult(name, version, None, {}, card, None)
    if "saved_model" in formats:
        try:
            result.saved_model = sm.export_generator(
                model, dirs["saved_model"], config=config, model_name=name,
                card=card)
        except FileExistsError:
            raise UserError(f"version {version} of '{name}' was written by another "
                            "export meanwhile: pass a new --version") from None
        result.models_config = write_models_config(export_root, base_path)
    if "tflite" in formats:
        def write(tmp):
            for variant, data in tflite_bytes.items():
                (tmp / tflite_info["variants"][variant]["file"]).write_bytes(data)
            write_model_card(tmp, card)
        try:
            sm.atomic_directory(dirs["tflite"], write)
        except FileExistsError:
            raise UserError(f"version {version} of '{name}' was written by another "
                            "export meanwhile: pass a new --version") from None
        result.tflite = {v: dirs["tflite"] / info["file"]
                         for v, info in tflite_info["variants"].items()}
    return result


def export_run(run_dir, export_root, *, step=None, name=None, **kwargs):
    """Export the trained generator of a run directory (see `export_model`);
    the training config, dataset and any recorded metrics go in the card,
    and int8 calibration draws from the run's own dataset and noise."""
    from tfgan_zoo.trainer import load_run

    model, config = load_run(run_dir, step=step)
    kwargs.setdefault("metrics", read_metrics(run_dir))
    return export_model(model, export_root, name=name, config=config, **kwargs)


# --------------------------------------------- TF Serving's predict APIs
def _signature(loaded, signature_name):
    signature_name = signature_name or sm.DEFAULT_SIGNATURE
    if signature_name not in loaded.signatures:
        raise UserError(f"no signature '{signature_name}': choose one of "
                        f"{', '.join(loaded.signatures)}")
    return loaded.signatures[signature_name]


def _input_specs(signature):
    return signature.structured_input_signature[1]


def _run(signature, arrays):
    specs = _input_specs(signature)
    missing, extra = set(specs) - set(arrays), set(arrays) - set(specs)
    if missing or extra:
        raise UserError(f"request inputs {sorted(arrays)} do not match the "
                        f"signature's {sorted(specs)}")
    feeds = {k: tf.constant(np.asarray(v, specs[k].dtype.as_numpy_dtype))
             for k, v in arrays.items()}
    return {k: v.numpy() for k, v in signature(**feeds).items()}


def _from_json(value):
    """JSON value -> numpy-ready value; {"b64": ...} is binary data."""
    if isinstance(value, dict) and set(value) == {"b64"}:
        return base64.b64decode(value["b64"])
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def _to_json(array, name=""):
    """numpy -> JSON value as TF Serving writes it: floats as the shortest
    decimal, strings as text, and base64 under "b64" for outputs whose name
    ends in `_bytes`."""
    if array.dtype == object or array.dtype.kind == "S":
        if name.endswith("_bytes"):
            flat = [{"b64": base64.b64encode(b).decode()} for b in array.ravel()]
        else:
            flat = [b.decode("utf-8", "replace") for b in array.ravel()]
        return np.array(flat, dtype=object).reshape(array.shape).tolist()
    if array.dtype == np.float32:
        # str() of a float32 is the shortest decimal that reads back as it.
        flat = [float(str(v)) for v in array.ravel()]
        return np.array(flat, dtype=object).reshape(array.shape).tolist()
    return array.tolist()


def rest_predict(loaded, body, signature_name=None):
    """Answer a TF Serving REST `:predict` body (dict or JSON text) from a
    loaded SavedModel, as the server would.

    Row format: {"instances": [{input: value, ...}, ...]} (or bare values
    for a one-input signature) -> {"predictions": [{output: value}, ...]}.
    Columnar: {"inputs": {input: value, ...}} -> {"outputs": {output: value}}.
    A `signature_name` key in the body selects the signature."""
    if isinstance(body, (str, bytes)):
        body = json.loads(body)
    signature = _signature(loaded, body.get("signature_name", signature_name))
    names = list(_input_specs(signature))
    if ("instances" in body) == ("inputs" in body):
        raise UserError('a predict body needs exactly one of "instances" and "inputs"')
    if "instances" in body:
        rows = body["instances"]
        if not rows:
            raise UserError('"instances" is empty')
        if isinstance(rows[0], dict):
            arrays = {k: [_from_json(r[k]) for r in rows] for k in rows[0]}
        elif len(names) == 1:
            arrays = {names[0]: [_from_json(r) for r in rows]}
        else:
            raise UserError(f"instances must be objects naming the inputs {names}")
        outputs = _run(signature, arrays)
        sizes = {len(v) for v in outputs.values()}
        if len(sizes) != 1:
            raise UserError("outputs differ in batch size; use the columnar "
                            '"inputs" format')
        columns = {k: _to_json(v, k) for k, v in outputs.items()}
        if len(columns) == 1:
            return {"predictions": next(iter(columns.values()))}
        return {"predictions": [{k: columns[k][i] for k in columns}
                                for i in range(sizes.pop())]}
    inputs = body["inputs"]
    if not isinstance(inputs, dict):
        if len(names) != 1:
            raise UserError(f"inputs must be an object naming the inputs {names}")
        inputs = {names[0]: inputs}
    outputs = _run(signature, {k: _from_json(v) for k, v in inputs.items()})
    columns = {k: _to_json(v, k) for k, v in outputs.items()}
    return {"outputs": next(iter(columns.values())) if len(columns) == 1 else columns}


def grpc_predict(loaded, request, version=None):
    """Answer a `PredictRequest` from a loaded SavedModel with the
    `PredictResponse` TF Serving's PredictionService would send (the server
    also names the `version` that answered)."""
    from tensorflow_serving.apis import predict_pb2

    signature = _signature(loaded, request.model_spec.signature_name)
    outputs = _run(signature, {k: tf.make_ndarray(v) for k, v in request.inputs.items()})
    response = predict_pb2.PredictResponse()
    response.model_spec.CopyFrom(request.model_spec)
    response.model_spec.signature_name = (request.model_spec.signature_name
                                          or sm.DEFAULT_SIGNATURE)
    if version is not None:
        response.model_spec.version.value = int(version)
    wanted = list(request.output_filter) or list(outputs)
    for key in wanted:
        response.outputs[key].CopyFrom(tf.make_tensor_proto(outputs[key]))
    return response

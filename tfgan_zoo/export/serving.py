"""Export for TF Serving, phones and browsers into a versioned export root, with
`models.config` (`export_model`, `export_run`).

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
      web/<name>/<version>/           a static page running it with LiteRT.js
        index.html, web.json, ... (see tfgan_zoo.export.web)

Each version directory is written under a hidden temporary name and renamed
into place, so a polling server never sees half a version; an existing
version is never overwritten. Phone models and pages live in their own trees
so that a TFLite-only version never appears to TF Serving as a SavedModel it cannot
load.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from tfgan_zoo.errors import UserError
from tfgan_zoo.export import tflite as tfl
from tfgan_zoo.export import web
from tfgan_zoo.export.card import default_name, model_card, read_metrics, write_model_card
from tfgan_zoo.export.graph import endpoints, float32_model, signature_summary
from tfgan_zoo.export.saved_model import config_dict, export_saved_model
from tfgan_zoo.files import atomic_directory, write_atomic
from tfgan_zoo.rundir.run import load_run

FORMATS = ("saved_model", "tflite", "web")
TFLITE_DIR = "tflite"
TREES = (TFLITE_DIR, web.WEB_DIR)
CONFIG_FILE = "models.config"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def check_name(name):
    if not NAME.match(name or "") or name in TREES or name.isdigit():
        raise UserError(f"invalid model name '{name}': use letters, digits, '_', "
                        f"'-' or '.', not all digits and not {' or '.join(TREES)} "
                        "(pass --name)")
    return name


# --------------------------------------------------------------- versions
def _numeric_dirs(path):
    if not path.is_dir():
        return []
    return [int(p.name) for p in path.iterdir() if p.is_dir() and p.name.isdigit()]


def versions(export_root, name):
    """Versions of `name` that exist in the serving, TFLite or web tree."""
    root = Path(export_root)
    return sorted(set(_numeric_dirs(root / name)).union(
        *(_numeric_dirs(root / tree / name) for tree in TREES)))


def next_version(export_root, name):
    taken = versions(export_root, name)
    return taken[-1] + 1 if taken else 1


def version_dirs(export_root, name, version):
    root = Path(export_root)
    return {"saved_model": root / name / str(version),
            "tflite": root / TFLITE_DIR / name / str(version),
            "web": root / web.WEB_DIR / name / str(version)}


# ----------------------------------------------------------- models.config
def served_models(export_root):
    """Names under `export_root` with at least one SavedModel version."""
    root = Path(export_root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and p.name not in TREES and not p.name.startswith(".")
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


# ------------------------------------------------------------------ export
@dataclasses.dataclass
class ExportResult:
    name: str
    version: int
    saved_model: Path | None
    tflite: dict          # variant -> Path of the .tflite file
    card: dict
    models_config: Path | None
    web: Path | None = None   # the page's index.html

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
        if self.web:
            lines.append(f"  Web page  {self.web}  (serve its folder: python -m "
                         f"http.server -d {self.web.parent})")
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
                 formats=FORMATS[:2], quantize=None, config=None, metrics=None,
                 calibration_samples=100, base_path="/models",
                 measure_inputs=16, latency_runs=30, web_runtime=None):
    """Export `model`'s generator as version `version` (default: the next
    free one) of `name` under `export_root`: a SavedModel for TF Serving,
    LiteRT variants for phones (`quantize`, default all of none, float16,
    dynamic and int8), a web page (`formats` with "web"; float32 or
    dynamic-range of `quantize`, see `tfgan_zoo.export.web`, with the
    LiteRT.js runtime copied from `web_runtime`), model cards, warmup
    records and `models.config`.

    Returns an `ExportResult`; `.summary()` lists sizes, latencies and the
    PSNR of each quantized variant against the float generator."""
    formats = parse_list(formats, FORMATS, "format")
    model = float32_model(model)  # one twin serves every format
    if web_runtime is not None and "web" not in formats:
        raise UserError("--web-runtime applies to the web page: add web to --format "
                        "or drop --web-runtime")
    if quantize is not None:
        quantize = parse_list(quantize, tfl.QUANTIZATIONS, "quantization")
    web_quantize = web.candidates(quantize) if "web" in formats else ()
    if web_runtime is not None:
        web.runtime_packages(web_runtime)  # a bad path fails before any work
    quantize = quantize or tfl.QUANTIZATIONS
    tflite_quantize = quantize if "tflite" in formats else ()
    config = config_dict(config)
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

    lite_info, lite_bytes, tflite_info = {}, {}, {}
    if tflite_quantize or web_quantize:
        # One conversion per variant, shared by the TFLite tree and the page.
        lite_bytes, lite_info = tfl.convert_variants(
            model, tuple(dict.fromkeys(tflite_quantize + web_quantize)), config=config,
            name=name, calibration_samples=calibration_samples,
            measure_inputs=measure_inputs, latency_runs=latency_runs)
    if tflite_quantize:
        tflite_info = _only_variants(lite_info, tflite_quantize)
    signatures = signature_summary(endpoints(model))
    card = model_card(model, config=config, name=name, version=version,
                      signatures=signatures if "saved_model" in formats else {},
                      tflite=tflite_info, metrics=metrics)

    result = ExportResult(name, version, None, {}, card, None)
    if "saved_model" in formats:
        try:
            result.saved_model = export_saved_model(
                model, dirs["saved_model"], config=config, name=name, version=version,
                card=card)
        except FileExistsError:
            raise UserError(f"version {version} of '{name}' was written by another "
                            "export meanwhile: pass a new --version") from None
        result.models_config = write_models_config(export_root, base_path)
    if "tflite" in formats:
        def write(tmp):
            for variant, info in tflite_info["variants"].items():
                (tmp / info["file"]).write_bytes(lite_bytes[variant])
            write_model_card(tmp, card)
        _write_version(dirs["tflite"], write, name, version)
        result.tflite = {v: dirs["tflite"] / info["file"]
                         for v, info in tflite_info["variants"].items()}
    if "web" in formats:
        _write_version(dirs["web"], lambda tmp: web.write_web(
            tmp, model, blobs=lite_bytes, tflite_card=_only_variants(lite_info, web_quantize),
            card=card, config=config, runtime=web_runtime), name, version)
        result.web = dirs["web"] / "index.html"
    return result


def _only_variants(lite_info, quantize):
    """The card's LiteRT entry for the variants of `quantize` only."""
    wanted = {tfl.VARIANTS[q] for q in quantize}
    return {**lite_info, "variants": {v: info for v, info in lite_info["variants"].items()
                                      if v in wanted}}


def _write_version(directory, write, name, version):
    try:
        atomic_directory(directory, write)
    except FileExistsError:
        raise UserError(f"version {version} of '{name}' was written by another "
                        "export meanwhile: pass a new --version") from None


def export_run(run_dir, export_root, *, step=None, name=None, **kwargs):
    """Export the trained generator of a run directory (see `export_model`);
    the training config, dataset and any recorded metrics go in the card,
    and int8 calibration draws from the run's own dataset and noise."""

    model, config = load_run(run_dir, step=step)
    kwargs.setdefault("metrics", read_metrics(run_dir))
    return export_model(model, export_root, name=name, config=config, **kwargs)



"""Model cards: what an exported model is, how it was trained, what it
serves and how well it does where known (`model_card.json`), and the name
it is served under.

An export leaks nothing local: `portable` rewrites every path in a card
and in the exported training config (`training_config.out`, a text
encoder's folder, `folder:PATH` datasets, ...) as its name within the
run's tree (`dcgan`, `stage1`, `encoder`) or, outside it, its last part;
no absolute path, user name or host name remains.

`version` is the served version: the version number under an export root
(`python -m tfgan_zoo.export`, 1, 2, ...), and for the trainer's end-of-run
export (`RUN/export/`) the training step it was exported at, so a longer
run exports a higher version. `training_step` is the checkpoint's step.
"""

from __future__ import annotations

import datetime
import getpass
import json
import os
import re
import socket
from pathlib import Path

import keras
import tensorflow as tf

from tfgan_zoo.data import dataset_notice, describe_dataset
from tfgan_zoo.errors import DamagedFile
from tfgan_zoo.files import read_json
from tfgan_zoo.registry import MODELS
from tfgan_zoo.version import __version__

CARD_FILE = "model_card.json"
# An absolute path inside a longer text: after a start, space, quote, '=',
# '(' or a prefix's ':' (e.g. "folder:/data/faces").
EMBEDDED_PATH = re.compile(r"(?:(?<=^)|(?<=[\s:=('\"]))(?:~|/)[^\s,;'\"()]*")
DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
PREFIXED = re.compile(r"^([a-z0-9_]+):(.+)$")  # dataset names like folder:PATH


# ------------------------------------------------------------- model card
# ------------------------------------------------------- nothing local
def _local_words():
    """The user and host names, which must not appear in an export."""
    words = set()
    for get in (getpass.getuser, socket.gethostname, lambda: Path.home().name):
        try:
            word = get()
        except Exception:  # no user database entry, no host name: nothing to hide
            continue
        if word and len(word) > 1:
            words.add(word)
    return words


def _is_path(text):
    return (text.startswith(("/", "~")) or bool(DRIVE.match(text))
            or ".." in Path(text).parts)


def _local_name(path, run_dir):
    """A path as a name within the run's tree (relative to the run
    directory's parent: `dcgan`, `stage1`, `encoder`), else its last part."""
    target = os.path.abspath(os.path.expanduser(path))
    name = os.path.basename(target.rstrip(os.sep)) or "."
    if run_dir is not None:
        base = os.path.dirname(os.path.abspath(os.path.expanduser(str(run_dir))))
        if os.path.commonpath([target, base]) == base and target != base:
            name = os.path.relpath(target, base)
    if set(Path(name).parts) & _local_words():
        return "<local>"
    return name


def _portable_text(text, run_dir, words):
    prefixed = PREFIXED.match(text)
    if prefixed and _is_path(prefixed.group(2)):
        return f"{prefixed.group(1)}:{_local_name(prefixed.group(2), run_dir)}"
    if _is_path(text):
        return _local_name(text, run_dir)
    text = EMBEDDED_PATH.sub(lambda m: _local_name(m.group(0), run_dir)
                             if len(m.group(0)) > 1 else m.group(0), text)
    for word in words:
        text = re.sub(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", "<local>", text)
    return text


def portable(value, run_dir=None):
    """`value` (a card, a config: nested dicts, lists and strings) with
    nothing local: every path becomes its name within the run's tree
    (`run_dir`'s parent) or its last part, and the user and host names
    become `<local>`."""
    words = _local_words()

    def walk(node):
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, (list, tuple)):
            return [walk(v) for v in node]
        if isinstance(node, str):
            return _portable_text(node, run_dir, words)
        return node

    return walk(value)


# ------------------------------------------------------------- model card
def read_metrics(run_dir):
    """Metrics recorded for a run: every `python -m tfgan_zoo.evaluate`
    result in `RUN/eval/*.json` (by file name, with its protocol), and
    `RUN/metrics.json` or the last line of `RUN/metrics.jsonl` if present.
    Empty when none are known."""
    if run_dir is None:
        return {}
    run_dir = Path(run_dir)
    fix = "delete it (or re-run the evaluation that wrote it), then export again"
    found = {}
    for path in sorted((run_dir / "eval").glob("*.json")):
        result = read_json(path, "evaluation result", fix)
        found[path.stem] = {"metrics": result.get("metrics", result),
                            "protocol": result.get("protocol")}
    if (run_dir / "metrics.json").is_file():
        found["metrics.json"] = read_json(run_dir / "metrics.json", "metrics file", fix)
    elif (run_dir / "metrics.jsonl").is_file():
        path = run_dir / "metrics.jsonl"
        lines = [l for l in path.read_text(errors="replace").splitlines() if l.strip()]
        if lines:
            try:
                found["metrics.jsonl"] = json.loads(lines[-1])
            except ValueError:
                raise DamagedFile(f"the last line of metrics file {path} is damaged (not "
                                  f"valid JSON): {fix}", path) from None
    return found


def model_card(model, *, config=None, name=None, version=None, signatures=None,
               tflite=None, metrics=None, run_dir=None):
    """The model card: what the model is, how it was trained, what it
    serves, and how well it does where known; `portable` (paths as names
    within `run_dir`'s tree, default the config's `out`)."""
    config = (config if config is None or isinstance(config, dict) else config.to_dict()) or {}
    run_dir = run_dir or config.get("out")
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
            # What serving_default draws (tfgan_zoo.samples): images, tokens,
            # series, pianoroll, video or voxels, and one example's shape.
            "sample_kind": model.sample_kind,
            "sample_shape": list(model.sample_shape),
            "latent_dim": model.latent_dim,
            "num_classes": model.num_classes,
            "training_step": getattr(model, "step", None),
        },
        # What a sampler feeds serving_default: each input's shape and the
        # distribution it is drawn from (`python -m tfgan_zoo.evaluate` reads it).
        "generator_inputs": {
            name: {"dtype": spec.dtype, "shape": list(spec.shape), "prior": spec.prior}
            for name, spec in model.generator_inputs().items()},
        "dataset": config.get("dataset"),
        "dataset_description": describe_dataset(config.get("dataset")),
        "training_config": config or None,
        "notes": model.card_notes() if hasattr(model, "card_notes") else {},
        "metrics": metrics or {},
        "outputs": dict(model.output_docs),
        "signatures": signatures or {},
        "tflite": tflite or {},
        "software": {"tfgan_zoo": __version__, "tensorflow": tf.__version__,
                     "keras": keras.__version__},
    }
    notice = dataset_notice(config.get("dataset")) if config.get("dataset") else None
    if notice:
        card["dataset_notice"] = notice
    return portable(card, run_dir)


def write_model_card(directory, card):
    path = Path(directory) / CARD_FILE
    path.write_text(json.dumps(card, indent=2, default=str) + "\n")
    return path


def registry_name(model):
    """The name `model`'s class is registered under, else its class name."""
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

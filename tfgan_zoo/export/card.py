"""Model cards: what an exported model is, how it was trained, what it
serves and how well it does where known (`model_card.json`), and the name
it is served under."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import keras
import tensorflow as tf

from tfgan_zoo.data import dataset_notice
from tfgan_zoo.registry import MODELS
from tfgan_zoo.version import __version__

CARD_FILE = "model_card.json"


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
    config = (config if config is None or isinstance(config, dict) else config.to_dict()) or {}
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
        "notes": model.card_notes() if hasattr(model, "card_notes") else {},
        "metrics": metrics or {},
        "outputs": {"images": "uint8 NHWC in [0, 255], round((x + 1) * 127.5)",
                    "images_float": "float32 NHWC in [-1, 1]"},
        "signatures": signatures or {},
        "tflite": tflite or {},
        "software": {"tfgan_zoo": __version__, "tensorflow": tf.__version__,
                     "keras": keras.__version__},
    }
    notice = dataset_notice(config.get("dataset")) if config.get("dataset") else None
    if notice:
        card["dataset_notice"] = notice
    return card


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

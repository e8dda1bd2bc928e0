"""A run directory and what reads it: `config.json` written (or checked
against the run being resumed) before training, and `load_run`, the trained
model of a run for export, evaluation and sampling.

    RUN/config.json           the full configuration (`Config`)
    RUN/model.json            the model's registry name and constructor config
    RUN/checkpoints/ckpt-N/   atomic checkpoints, the last K kept
    RUN/samples/step-N.png    grids from fixed noise
    RUN/logs/                 TensorBoard scalars and image grids
    RUN/export/               the generator as a SavedModel (when training ends)
"""

from __future__ import annotations

import json
from pathlib import Path

from tfgan_zoo.config import Config
from tfgan_zoo.errors import UserError
from tfgan_zoo.files import write_atomic
from tfgan_zoo.registry import get_model_class
from tfgan_zoo.training.checkpoint import CheckpointDir

# Settings that must match for a run directory to be resumed.
# Settings that must match for a run directory to be resumed.
IDENTITY = ("model", "model_args", "dataset", "image_size", "channels")


def prepare_run_dir(config: Config, out: Path, chief: bool):
    """Write config.json, or check that an existing run is the same model."""
    path = out / "config.json"
    # Only a run with checkpoints has anything to lose to a changed config.
    if path.exists() and CheckpointDir(out / "checkpoints").latest() is not None:
        saved = json.loads(path.read_text())
        current = json.loads(json.dumps(config.to_dict()))
        changed = [k for k in IDENTITY if saved.get(k) != current.get(k)]
        if changed:
            raise UserError(f"{out} holds a run with different {', '.join(changed)} "
                            f"({', '.join(f'{k}={saved.get(k)!r}' for k in changed)}): "
                            "pass a new --out or the same settings")
    if chief:
        write_atomic(path, json.dumps(config.to_dict(), indent=2).encode())


def load_run(run_dir, step=None):
    """The trained model of a run directory, from its newest checkpoint (or
    `step`), for export, evaluation and sampling. Returns (model, config)."""
    run_dir = Path(run_dir)
    if not (run_dir / "model.json").is_file():
        raise UserError(f"{run_dir} is not a tfgan_zoo run directory (no "
                        "model.json): pass the --out directory of a training run")
    saved = json.loads((run_dir / "model.json").read_text())
    config = Config(**json.loads((run_dir / "config.json").read_text()))
    model = get_model_class(saved["model"]).from_config(saved["config"])
    model.build_networks()
    checkpoints = CheckpointDir(run_dir / "checkpoints", model)
    step = checkpoints.latest() if step is None else step
    if step is None:
        raise UserError(f"{run_dir} has no checkpoint yet: train it first")
    checkpoints.restore(step, partial=True)
    model.step = step
    return model, config

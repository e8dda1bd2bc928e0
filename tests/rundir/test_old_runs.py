"""Run directories written before the reorganisation into one home per
family (tests/fixtures/old_runs.tar.gz, made at commit 272d125) still load,
resume, export and evaluate with today's code: registered names,
checkpoint object graphs and config files did not change."""

import json
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.config import Config
from tfgan_zoo.errors import UserError
from tfgan_zoo.export.serving import export_run
from tfgan_zoo.rundir.checkpoint import CheckpointDir
from tfgan_zoo.rundir.run import load_run
from tfgan_zoo.training.trainer import train

# Packed, so that no run output (a checkpoints/ folder) is tracked as a tree.
OLD_RUNS = Path(__file__).parent.parent / "fixtures" / "old_runs.tar.gz"


def unpack(name, into):
    """The old run directory `name` (dcgan, cyclegan), unpacked under `into`."""
    with tarfile.open(OLD_RUNS) as archive:
        archive.extractall(into, members=[m for m in archive.getmembers()
                                          if m.name.split("/")[0] == name], filter="data")
    return into / name


@pytest.fixture(params=["dcgan", "cyclegan"])
def old_run(request, tmp_path):
    return unpack(request.param, tmp_path)


def test_old_run_loads_resumes_and_exports(old_run, tmp_path):
    model, config = load_run(old_run)
    assert model.step == 2
    before = model.sample(2, seed=1)
    saved = json.loads((old_run / "config.json").read_text())
    resumed = train(Config(**{**saved, "steps": 4, "out": str(old_run)}), verbose=0)
    assert CheckpointDir(old_run / "checkpoints").steps()[-1] == 4
    assert int(resumed.g_optimizer.iterations) == 4  # went on from step 2's state
    again, _ = load_run(old_run, step=2)
    np.testing.assert_array_equal(again.sample(2, seed=1), before)
    result = export_run(old_run, tmp_path / "exports", quantize="none",
                        measure_inputs=1, latency_runs=1)
    signature = tf.saved_model.load(str(result.saved_model)).signatures["serving_default"]
    inputs = {k: tf.constant(v) for k, v in model.example_inputs(2).items()}
    assert signature(**inputs)["images"].dtype == tf.uint8
    assert result.card["model"]["training_step"] == 4


def test_old_run_evaluates(tmp_path):
    run = unpack("dcgan", tmp_path)
    saved = json.loads((run / "config.json").read_text())
    train(Config(**{**saved, "out": str(run), "export": True}), verbose=0)  # writes export/
    done = subprocess.run([sys.executable, "-m", "tfgan_zoo.evaluate", str(run),
                           "--metrics", "fd[digits-cnn]", "--num-samples", "20"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "fd[digits-cnn]" in done.stdout


def test_a_later_hyperparameter_loads_old_runs_with_its_old_value(old_run, monkeypatch):
    """`defaults_before`: a run saved before a hyperparameter existed is
    loaded with the value it had then, and resuming it with today's
    different default is refused, not silently mis-restored."""
    model_class = type(load_run(old_run)[0])
    assert "pool_size" not in model_class.defaults_before
    name, then = ("reuse_fake", True) if old_run.name == "dcgan" else ("identity_weight", 0.25)
    monkeypatch.setattr(model_class, "defaults_before", {name: then})
    model, _ = load_run(old_run)
    assert getattr(model, name) == then
    saved = json.loads((old_run / "config.json").read_text())
    with pytest.raises(UserError, match="different model_args"):
        train(Config(**{**saved, "steps": 4, "out": str(old_run)}), verbose=0)

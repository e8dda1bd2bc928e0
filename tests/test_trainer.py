"""The trainer end to end: recipe command line, run directory, resume, NaN
guard, atomic checkpoints, and one-line errors for bad input."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import registry
from tfgan_zoo.training.checkpoint import CheckpointDir
from tfgan_zoo.config import Config, parse_args
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.dcgan import DCGAN
from tfgan_zoo.training.run import load_run
from tfgan_zoo.training.trainer import train

TINY = dict(model="dcgan", dataset="digits", image_size=16, batch_size=16,
            model_args={"latent_dim": 8, "ngf": 8, "ndf": 8}, sample_every=2,
            checkpoint_every=2, log_every=1, epoch_steps=2, num_samples=4,
            export=False)


def run_cli(*args, timeout=300):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    return subprocess.run([sys.executable, "-m", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def test_recipe_command_line_writes_a_complete_run(tmp_path):
    out = tmp_path / "run"
    result = run_cli("tfgan_zoo.recipes.dcgan", "--steps", "4", "--out", str(out),
                     "--image-size", "16", "--ngf", "8", "--ndf", "8",
                     "--latent-dim", "8", "--batch-size", "16", "--sample-every", "2",
                     "--checkpoint-every", "2", "--dataset", "digits",
                     "--no-report")
    assert result.returncode == 0, result.stderr[-3000:]
    config = json.loads((out / "config.json").read_text())
    assert config["steps"] == 4 and config["model_args"]["ngf"] == 8
    assert sorted(p.name for p in (out / "samples").glob("*.png")) == [
        "step-00000000.png", "step-00000002.png", "step-00000004.png"]
    assert CheckpointDir(out / "checkpoints").steps() == [2, 4]
    loaded = tf.saved_model.load(str(out / "export"))
    images = loaded.signatures["serving_default"](z=tf.zeros([2, 8]))["images"]
    assert images.shape == (2, 16, 16, 1) and images.dtype == tf.uint8
    assert list((out / "logs").glob("events.out.tfevents.*"))


def test_resume_continues_from_the_saved_step(tmp_path):
    config = Config(**TINY, steps=4, out=str(tmp_path))
    train(config, verbose=0)
    first, _ = load_run(tmp_path)
    assert first.step == 4
    model = train(Config(**TINY, steps=6, out=str(tmp_path)), verbose=0)
    assert CheckpointDir(tmp_path / "checkpoints").steps()[-1] == 6
    # Resuming restored the step-4 weights and optimizer state before going on.
    assert int(model.g_optimizer.iterations.numpy()) == 6
    assert int(model.d_optimizer.iterations.numpy()) == 6


def test_resumed_run_matches_an_uninterrupted_one(tmp_path):
    straight = train(Config(**TINY, steps=4, out=str(tmp_path / "a")), verbose=0)
    train(Config(**TINY, steps=2, out=str(tmp_path / "b")), verbose=0)
    resumed = train(Config(**TINY, steps=4, out=str(tmp_path / "b")), verbose=0)
    for a, b in zip(straight.generator.weights, resumed.generator.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-5)


def test_resume_refuses_a_different_model(tmp_path):
    train(Config(**TINY, steps=2, out=str(tmp_path)), verbose=0)
    other = dict(TINY, model_args={"latent_dim": 4, "ngf": 8, "ndf": 8})
    with pytest.raises(UserError, match="different model_args"):
        train(Config(**other, steps=4, out=str(tmp_path)), verbose=0)


class ExplodingDCGAN(DCGAN):
    """Reports a NaN loss from its third step on."""

    def train_step(self, data):
        logs = super().train_step(data)
        bad = self.g_optimizer.iterations > 2
        logs["g_loss"] = tf.where(bad, np.nan, logs["g_loss"])
        return logs


def test_nan_guard_stops_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch,
                                                            capsys):
    monkeypatch.setitem(registry.MODELS, "exploding",
                        f"{__name__}:ExplodingDCGAN")
    config = Config(**dict(TINY, model="exploding"), steps=10, out=str(tmp_path))
    with pytest.raises(UserError, match="diverged at step 3"):
        train(config, verbose=0)
    assert "Training diverged: g_loss = nan at step 3" in capsys.readouterr().err
    assert CheckpointDir(tmp_path / "checkpoints").steps() == [2]


def test_checkpoints_are_atomic_and_pruned(tmp_path):
    model = registry.build_model("gan", image_shape=(8, 8, 1), latent_dim=4)
    model.build_networks()
    checkpoints = CheckpointDir(tmp_path, model, keep=2)
    # A save killed half-way leaves only a temporary directory behind...
    (tmp_path / ".tmp-ckpt-00000009-x").mkdir()
    (tmp_path / "ckpt-00000009").mkdir()  # ...or a directory without state
    assert checkpoints.latest() is None
    for step in (1, 2, 3):
        checkpoints.save(step)
    assert checkpoints.steps() == [2, 3]
    assert not list(tmp_path.glob(".tmp-*"))
    assert checkpoints.restore(3)["step"] == 3


def test_every_hyperparameter_is_a_flag():
    from tfgan_zoo.recipes import get_recipe
    recipe = get_recipe("wgan_gp").RECIPE
    config = parse_args(recipe, ["--gp-weight", "5", "--n-critic", "3",
                                 "--batch-size", "8", "--g-lr", "0.001"])
    assert config.model_args["gp_weight"] == 5 and config.model_args["n_critic"] == 3
    assert config.batch_size == 8 and config.g_lr == 0.001
    assert config.d_lr == recipe.d_lr and config.out == "runs/wgan_gp"


def test_help_lists_every_default():
    result = run_cli("tfgan_zoo.recipes.wgan", "--help", timeout=120)
    assert result.returncode == 0
    for text in ("--steps", "--batch-size", "--strategy", "--clip", "--n-critic",
                 "(default: 0.01)", "(default: rmsprop)", "--out"):
        assert text in result.stdout


@pytest.mark.parametrize("args, message", [
    (["tfgan_zoo.recipes.dcgan", "--dataset", "nope"], "unknown dataset 'nope'"),
    (["tfgan_zoo.recipes.dcgan", "--batch-size", "0"], "must be a positive integer"),
    (["tfgan_zoo.recipes.dcgan", "--no-such-flag"], "unrecognized arguments"),
    (["tfgan_zoo.recipes.dcgan", "--strategy", "gpus"], "invalid choice"),
    (["tfgan_zoo.recipes", "nope"], "unknown recipe 'nope'"),
])
def test_bad_input_gets_one_line_error(args, message, tmp_path):
    result = run_cli(*args, "--out", str(tmp_path / "r"), timeout=120)
    assert result.returncode == 2
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert "Traceback" not in result.stderr
    assert message in lines[-1] and len(lines[-1]) < 400


def recipes_with_config():
    from tfgan_zoo.recipes import get_recipe, recipe_names
    return [n for n in recipe_names() if hasattr(get_recipe(n), "RECIPE")]


@pytest.mark.parametrize("name", recipes_with_config())
def test_every_recipe_parses_and_builds_its_model(name):
    """Every flag a recipe offers reaches the model's constructor without a
    clash (a parent's argument offered twice, an unknown one)."""
    from tfgan_zoo.config import validate
    from tfgan_zoo.recipes import get_recipe
    config = parse_args(get_recipe(name).RECIPE, [])
    validate(config)
    size = config.image_size or 28
    cls = registry.get_model_class(config.model)
    kwargs = dict(image_shape=(size, size, config.channels or 1), num_classes=10,
                  **config.model_args)
    if getattr(cls, "takes_total_steps", False):
        kwargs["total_steps"] = config.steps
    try:
        cls(**kwargs)
    except UserError:
        pass  # shape-dependent checks: the data decides the real shape

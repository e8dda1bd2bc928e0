"""The trainer end to end: a recipe's command line writes a complete run
directory; a re-run resumes (and matches an uninterrupted run); a changed
model is refused; the NaN guard stops a diverging run and keeps the last
good checkpoint."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import registry
from tfgan_zoo.config import Config, model_hyperparameters
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.dcgan import DCGAN
from tfgan_zoo.rundir.checkpoint import CheckpointDir
from tfgan_zoo.rundir.run import load_run
from tfgan_zoo.training.trainer import train

TINY = dict(model="dcgan", dataset="digits", image_size=16, batch_size=16,
            model_args={"latent_dim": 8, "ngf": 8, "ndf": 8}, sample_every=2,
            checkpoint_every=2, log_every=1, epoch_steps=2, num_samples=4,
            export=False)


def test_recipe_command_line_writes_a_complete_run(tmp_path):
    out = tmp_path / "run"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    result = subprocess.run(
        [sys.executable, "-m", "tfgan_zoo.recipes.dcgan", "--steps", "4", "--out", str(out),
         "--image-size", "16", "--ngf", "8", "--ndf", "8", "--latent-dim", "8",
         "--batch-size", "16", "--sample-every", "2", "--checkpoint-every", "2",
         "--dataset", "digits", "--no-report"],
        capture_output=True, text=True, timeout=300, env=env)
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
    train(Config(**TINY, steps=4, out=str(tmp_path)), verbose=0)
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


def test_resume_refuses_changed_learning_rates(tmp_path):
    """A recipe whose default rates changed does not go on silently at the
    new rates from an old run's optimizer state: the refusal names each
    setting with both values."""
    train(Config(**TINY, steps=2, out=str(tmp_path)), verbose=0)
    with pytest.raises(UserError, match=r"different d_lr, beta_2 \(d_lr: saved 0.0002, "
                                        r"given 0.0004; beta_2: saved 0.999, given 0.9\)"):
        train(Config(**TINY, steps=4, d_lr=4e-4, beta_2=0.9, out=str(tmp_path)), verbose=0)


def test_resume_reads_a_left_out_hyperparameter_as_its_default(tmp_path):
    """A run started from Python with a few model_args resumes from a
    command line that spells every hyperparameter out, at the same values;
    a changed value is still refused."""
    train(Config(**TINY, steps=2, out=str(tmp_path)), verbose=0)
    spelled = {**model_hyperparameters("dcgan"), **TINY["model_args"]}
    resumed = train(Config(**dict(TINY, model_args=spelled), steps=3, out=str(tmp_path)),
                    verbose=0)
    assert int(resumed.g_optimizer.iterations.numpy()) == 3
    changed = dict(spelled, d_norm="layer")
    with pytest.raises(UserError, match="different model_args"):
        train(Config(**dict(TINY, model_args=changed), steps=4, out=str(tmp_path)),
              verbose=0)


def test_resume_reads_ema_decay_zero_as_no_ema(tmp_path):
    """A run saved without an EMA (None) resumes with `--ema-decay 0`, the
    spelling a recipe's resume note gives; a real EMA is still refused."""
    train(Config(**dict(TINY, model_args={**TINY["model_args"], "ema_decay": None}),
                 steps=2, out=str(tmp_path)), verbose=0)
    off = dict(TINY, model_args={**TINY["model_args"], "ema_decay": 0})
    resumed = train(Config(**off, steps=3, out=str(tmp_path)), verbose=0)
    assert int(resumed.g_optimizer.iterations.numpy()) == 3
    on = dict(TINY, model_args={**TINY["model_args"], "ema_decay": 0.9})
    with pytest.raises(UserError, match="different model_args"):
        train(Config(**on, steps=4, out=str(tmp_path)), verbose=0)


class ExplodingDCGAN(DCGAN):
    """Reports a NaN loss from its third step on."""

    def train_step(self, data):
        logs = super().train_step(data)
        bad = self.g_optimizer.iterations > 2
        logs["g_loss"] = tf.where(bad, np.nan, logs["g_loss"])
        return logs


def test_nan_guard_stops_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch,
                                                            capsys):
    monkeypatch.setitem(registry.MODELS, "exploding", f"{__name__}:ExplodingDCGAN")
    config = Config(**dict(TINY, model="exploding"), steps=10, out=str(tmp_path))
    with pytest.raises(UserError, match="diverged at step 3"):
        train(config, verbose=0)
    assert "Training diverged: g_loss = nan at step 3" in capsys.readouterr().err
    assert CheckpointDir(tmp_path / "checkpoints").steps() == [2]

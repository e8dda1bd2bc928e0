"""Faults while training: a full disk or a permission error while writing a
checkpoint, a sample grid or an export gives one clear error and keeps the
previous checkpoint; SIGTERM saves a checkpoint at the current step; SIGKILL
at any moment leaves a run that resumes. Faults that cannot be made on a
test machine (a full disk; permissions, as root) are injected."""

import builtins
import errno
import os
import signal
import subprocess
import sys
import time

import pytest
import tensorflow as tf

from tests.support.runs import TINY_FLAGS, environment, last_line, tiny
from tfgan_zoo import files
from tfgan_zoo.errors import Interrupted, UserError
from tfgan_zoo.export.saved_model import export_saved_model
from tfgan_zoo.rundir import checkpoint
from tfgan_zoo.rundir.checkpoint import CheckpointDir
from tfgan_zoo.rundir.run import LOCK_FILE, load_run
from tfgan_zoo.training import callbacks
from tfgan_zoo.training.trainer import train

NO_SPACE = "No space left on device"


def fail_after(calls, error):
    """A stand-in that raises `error` from its `calls + 1`-th call on."""
    seen = []

    def wrap(original):
        def replacement(*args, **kwargs):
            seen.append(1)
            if len(seen) > calls:
                raise error
            return original(*args, **kwargs)
        return replacement
    return wrap


def test_a_checkpoint_that_cannot_be_written_keeps_the_previous_one(tmp_path, monkeypatch):
    """The disk fills up after the step-2 checkpoint: training stops with
    one line, and the step-2 checkpoint still restores."""
    wrap = fail_after(1, tf.errors.ResourceExhaustedError(None, None, NO_SPACE))
    monkeypatch.setattr(tf.train.Checkpoint, "write", wrap(tf.train.Checkpoint.write))
    with pytest.raises(UserError) as error:
        train(tiny(tmp_path, steps=6), verbose=0)
    message = str(error.value)
    assert f"cannot write the checkpoint of step 4 {tmp_path}" in message
    assert NO_SPACE in message and "free some disk space" in message
    assert "the checkpoint of step 2 is kept" in message and "\n" not in message
    checkpoints = tmp_path / "checkpoints"
    assert CheckpointDir(checkpoints).steps() == [2]
    assert not [p for p in checkpoints.iterdir() if p.name.startswith(".")]
    monkeypatch.undo()
    assert load_run(tmp_path)[0].step == 2
    model = train(tiny(tmp_path, steps=4), verbose=0)  # once space is back: resumes
    assert int(model.g_optimizer.iterations.numpy()) == 4


def test_a_permission_error_while_renaming_a_checkpoint(tmp_path, monkeypatch):
    model = load_model(tmp_path)
    checkpoints = CheckpointDir(tmp_path / "checkpoints", model)
    checkpoints.save(1)
    monkeypatch.setattr(checkpoint.os, "replace", fail_after(0, PermissionError(
        errno.EACCES, "Permission denied"))(os.replace))
    with pytest.raises(UserError, match=r"Permission denied: make the folder writable "
                                        r".*the checkpoint of step 1 is kept"):
        checkpoints.save(2)
    assert checkpoints.steps() == [1]
    assert not list((tmp_path / "checkpoints").glob(".tmp-*"))


def load_model(tmp_path):
    train(tiny(tmp_path / "source", steps=2), verbose=0)
    return load_run(tmp_path / "source")[0]


def test_a_sample_grid_that_cannot_be_written(tmp_path, monkeypatch):
    def fake_open(path, mode="r", *args, **kwargs):
        if str(path).endswith(".png") or ".png.tmp" in str(path):
            raise OSError(errno.ENOSPC, NO_SPACE)
        return builtins.open(path, mode, *args, **kwargs)

    train(tiny(tmp_path, steps=2), verbose=0)
    monkeypatch.setattr(files, "open", fake_open, raising=False)
    with pytest.raises(UserError, match=rf"cannot write file .*step-00000004.png: "
                                        rf"{NO_SPACE}: free some disk space"):
        train(tiny(tmp_path, steps=4), verbose=0)
    assert CheckpointDir(tmp_path / "checkpoints").steps()[0] == 2
    assert not (tmp_path / LOCK_FILE).exists()


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, NO_SPACE),
                                   tf.errors.ResourceExhaustedError(None, None, NO_SPACE)])
def test_an_export_that_cannot_be_written_keeps_the_previous_one(tmp_path, monkeypatch,
                                                                  error):
    from tfgan_zoo.export import saved_model
    model = load_model(tmp_path)
    first = export_saved_model(model, tmp_path / "export")
    before = sorted(p.name for p in first.iterdir())

    def broken(*args, **kwargs):
        raise error
    monkeypatch.setattr(saved_model, "write_warmup", broken)
    with pytest.raises(UserError, match=rf"cannot write the SavedModel .*export: "
                                        rf"{NO_SPACE}"):
        export_saved_model(model, tmp_path / "export", overwrite=True)
    assert sorted(p.name for p in first.iterdir()) == before
    assert tf.saved_model.load(str(first)).signatures["serving_default"] is not None
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export")]


def test_sigterm_saves_a_checkpoint_at_the_current_step(tmp_path, monkeypatch):
    """The handler is the trainer's own: a SIGTERM at step 3 (between the
    checkpoints every 100 steps) saves step 3 and stops."""
    original = callbacks.StepCounter.on_train_batch_end

    def step_then_signal(self, batch, logs=None):
        original(self, batch, logs)
        if self.state.step == 3:
            os.kill(os.getpid(), signal.SIGTERM)
    monkeypatch.setattr(callbacks.StepCounter, "on_train_batch_end", step_then_signal)
    previous = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Interrupted, match=r"stopped by SIGTERM at step 3, after saving "
                                          r".*ckpt-00000003: re-run the same command") as e:
        train(tiny(tmp_path, steps=8, checkpoint_every=100, sample_every=100), verbose=0)
    assert e.value.exit_code == 128 + signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is previous  # handler restored
    assert CheckpointDir(tmp_path / "checkpoints").steps() == [3]
    monkeypatch.undo()
    model = train(tiny(tmp_path, steps=4, checkpoint_every=100), verbose=0)
    assert int(model.g_optimizer.iterations.numpy()) == 4


def start_recipe(out, steps, *extra):
    return subprocess.Popen(
        [sys.executable, "-m", "tfgan_zoo.recipes.dcgan", "--steps", str(steps),
         "--out", str(out), *TINY_FLAGS, "--no-export", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment())


def wait_for(predicate, process, timeout=240):
    start = time.time()
    while not predicate():
        assert process.poll() is None, process.communicate()[1][-2000:]
        assert time.time() - start < timeout, "timed out"
        time.sleep(0.2)


def test_sigterm_to_a_recipe_process(tmp_path):
    out = tmp_path / "run"
    process = start_recipe(out, 100000, "--checkpoint-every", "100000",
                           "--sample-every", "100000")
    wait_for(lambda: (out / "samples" / "step-00000000.png").exists(), process)
    time.sleep(3)  # some steps
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, err[-2000:]
    assert "Traceback" not in err
    steps = CheckpointDir(out / "checkpoints").steps()
    assert len(steps) == 1 and steps[0] >= 1
    assert f"stopped by SIGTERM at step {steps[0]}" in last_line(err)
    assert not (out / LOCK_FILE).exists()


def test_sigkill_leaves_a_run_that_resumes(tmp_path):
    out = tmp_path / "run"
    process = start_recipe(out, 100000, "--checkpoint-every", "1")
    wait_for(lambda: len(CheckpointDir(out / "checkpoints").steps()) >= 2, process)
    process.kill()
    process.wait(timeout=60)
    assert (out / LOCK_FILE).exists()  # left behind by the killed process
    reached = CheckpointDir(out / "checkpoints").latest()
    resumed = start_recipe(out, reached + 2)
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err[-2000:]
    assert "Taking over the lock" in err
    assert CheckpointDir(out / "checkpoints").latest() == reached + 2

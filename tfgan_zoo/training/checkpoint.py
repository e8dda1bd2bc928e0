"""Run-directory checkpoints that a crash or kill cannot corrupt.

Each checkpoint is a directory `checkpoints/ckpt-<step>/` holding a
`tf.train.Checkpoint` of the model (networks, optimizer slots, noise seed,
trackers) and `state.json`. It is written under a temporary name and renamed
into place, so a checkpoint directory either is complete or does not exist;
the newest complete one is what a re-run resumes from. Only the last `keep`
are kept.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import tensorflow as tf

PATTERN = re.compile(r"^ckpt-(\d+)$")


class CheckpointDir:
    """Save, find and restore checkpoints under `root`."""

    def __init__(self, root, model=None, keep=3, is_chief=True):
        self.root = Path(root)
        self.keep = keep
        self.is_chief = is_chief
        # Without a model the directory can still be listed.
        # The noise seed's state is saved explicitly: TF's object graph does
        # not reach Keras seed generators, and without it a resumed run would
        # replay the noise of step 0.
        self.checkpoint = None if model is None else tf.train.Checkpoint(
            model=model, noise_seed=model.noise_seed.state)

    def steps(self):
        """Steps of the complete checkpoints, oldest first."""
        if not self.root.is_dir():
            return []
        found = []
        for entry in self.root.iterdir():
            match = PATTERN.match(entry.name)
            if match and (entry / "state.json").is_file():
                found.append(int(match.group(1)))
        return sorted(found)

    def path(self, step):
        return self.root / f"ckpt-{step:08d}"

    def save(self, step, **state):
        """Write the checkpoint for `step` atomically; prune old ones.

        Every worker must call this (saving can involve collective ops);
        non-chief workers write to a scratch directory that is deleted."""
        if not self.is_chief:
            scratch = tempfile.mkdtemp(prefix="tfgan_zoo-worker-ckpt-")
            self.checkpoint.write(os.path.join(scratch, "ckpt"))
            shutil.rmtree(scratch, ignore_errors=True)
            return None
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-ckpt-{step:08d}-", dir=self.root))
        self.checkpoint.write(str(tmp / "ckpt"))
        with open(tmp / "state.json", "w") as f:
            json.dump({"step": step, **state}, f, indent=2, default=float)
        final = self.path(step)
        if final.exists():  # re-saving a step: swap, never delete first
            old = final.with_name(final.name + ".old")
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
        self.prune()
        return final

    def prune(self):
        for step in self.steps()[:-self.keep]:
            shutil.rmtree(self.path(step), ignore_errors=True)
        # Leftovers of a save that was killed half-way.
        for entry in self.root.glob(".tmp-ckpt-*"):
            shutil.rmtree(entry, ignore_errors=True)

    def latest(self):
        steps = self.steps()
        return steps[-1] if steps else None

    def restore(self, step, partial=False):
        """Restore the checkpoint of `step`; returns its state dict. With
        `partial`, parts the model lacks (e.g. optimizer slots when loading
        for export) are skipped."""
        path = self.path(step)
        status = self.checkpoint.read(str(path / "ckpt"))
        if partial:
            status.expect_partial()
        else:
            status.assert_existing_objects_matched()
        with open(path / "state.json") as f:
            return json.load(f)

"""Run-directory checkpoints that a crash, a kill or a full disk cannot
corrupt.

Each checkpoint is a directory `checkpoints/ckpt-<step>/` holding a
`tf.train.Checkpoint` of the model (networks, optimizer slots, noise seed,
trackers) and `state.json`. It is written under a temporary name and renamed
into place, so a checkpoint directory either is complete or does not exist;
a write that fails (no space, no permission) removes its temporary
directory, keeps every earlier checkpoint and raises a one-line UserError.
Old checkpoints are renamed away before they are deleted, so a kill while
pruning never leaves a half-deleted one under a checkpoint's name. Only the
last `keep` are kept.

Reading falls back: `restore_latest` restores the newest checkpoint that
reads, naming each damaged one it skips; a trainer that will write on sets
the damaged ones aside as `damaged-ckpt-<step>` (kept, never overwritten or
pruned) rather than deleting what it could not read.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import tensorflow as tf

from tfgan_zoo.errors import DamagedFile, UserError
from tfgan_zoo.files import read_json, write_error

PATTERN = re.compile(r"^ckpt-(\d+)$")
DAMAGED_PREFIX = "damaged-"
# A checkpoint TensorFlow cannot read back raises many kinds of error: an
# OpError (NotFound, DataLoss: a missing or corrupt file), IndexError ("Read
# less bytes than requested": a truncated one), AssertionError or ValueError
# (variables that do not match). Whatever it is, the checkpoint is damaged.
READ_ERRORS = (Exception,)


def first_line(error):
    text = getattr(error, "message", None) or str(error)
    return (text.strip().splitlines() or [type(error).__name__])[0][:200]


class CheckpointDir:
    """Save, find and restore checkpoints under `root`."""

    def __init__(self, root, model=None, keep=3, is_chief=True):
        self.root = Path(root)
        self.keep = keep
        self.is_chief = is_chief
        # Without a model the directory can still be listed.
        self.model = model  # its optimizers, for `_read_in_other_rate_layouts`
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
            try:
                self.checkpoint.write(os.path.join(scratch, "ckpt"))
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            return None
        final, tmp = self.path(step), None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".tmp-ckpt-{step:08d}-", dir=self.root))
            self.checkpoint.write(str(tmp / "ckpt"))
            with open(tmp / "state.json", "w") as f:
                json.dump({"step": step, **state}, f, indent=2, default=float)
            if final.exists():  # re-saving a step: swap, never delete first
                old = self.root / f".trash-{final.name}-{os.getpid()}"
                os.replace(final, old)
                os.replace(tmp, final)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, final)
        except (OSError, tf.errors.OpError) as e:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
            kept = [s for s in self.steps() if s != step]
            error = write_error(e, final, f"the checkpoint of step {step}")
            raise UserError(f"{error}; "
                            + (f"the checkpoint of step {kept[-1]} is kept" if kept
                               else "no earlier checkpoint exists")) from None
        self.prune()
        return final

    def prune(self):
        """Delete all but the last `keep` checkpoints, and leftovers of saves
        or prunes that were killed half-way. Each is renamed away first, so
        a kill mid-delete leaves no half checkpoint under a real name."""
        for step in self.steps()[:-self.keep]:
            trash = self.root / f".trash-{self.path(step).name}-{os.getpid()}"
            try:
                os.replace(self.path(step), trash)
            except OSError:
                continue
            shutil.rmtree(trash, ignore_errors=True)
        for pattern in (".tmp-ckpt-*", ".trash-*"):
            for entry in self.root.glob(pattern):
                shutil.rmtree(entry, ignore_errors=True)

    def latest(self):
        steps = self.steps()
        return steps[-1] if steps else None

    def restore(self, step, partial=False):
        """Restore the checkpoint of `step`; returns its state dict. With
        `partial`, parts the model lacks (e.g. optimizer slots when loading
        for export) are skipped. A checkpoint written with the other kind
        of learning rate for some players (a run given a decay on resume,
        or resumed without its decay) is read through optimizers of that
        kind. A checkpoint that does not read raises `DamagedFile` naming it."""
        path = self.path(step)
        state = read_json(path / "state.json", "checkpoint state",
                          "the checkpoint is damaged")
        try:
            self._read(path, partial)
        except READ_ERRORS as e:
            if not self._read_in_other_rate_layouts(path, partial):
                raise DamagedFile(f"checkpoint {path} does not read ({first_line(e)})",
                                  path) from None
        return state

    def _read(self, path, partial):
        status = self.checkpoint.read(str(path / "ckpt"))
        if partial:
            status.expect_partial()
        else:
            status.assert_existing_objects_matched()

    def _read_in_other_rate_layouts(self, path, partial):
        """Try the checkpoint with each set of players' optimizers in the
        other learning-rate layout (`AdversarialModel.other_rate_layout`),
        fewest first; True once one reads. Only built optimizers have a
        layout to differ in (a model loaded for export has none)."""
        optimizers = getattr(self.model, "player_optimizers", None) or {}
        if not optimizers or not all(o.built for o in optimizers.values()):
            return False
        for count in range(1, len(optimizers) + 1):
            for players in itertools.combinations(optimizers, count):
                try:
                    with self.model.other_rate_layout(players):
                        self._read(path, partial)
                    return True
                except READ_ERRORS:
                    continue
        return False

    def restore_latest(self, partial=False, set_aside=False):
        """Restore the newest checkpoint that reads; returns its step, or
        None when there is none. Each damaged one is named on stderr and
        skipped; with `set_aside` (a trainer that writes on) it is renamed
        `damaged-ckpt-<step>`, never overwritten or deleted. When none reads,
        raises a UserError that says how to start afresh."""
        damaged = []
        for step in reversed(self.steps()):
            try:
                self.restore(step, partial=partial)
            except DamagedFile as e:
                damaged.append(str(e))
                note = ""
                if set_aside:
                    note = f"; moved aside to {self.set_aside(step)}"
                print(f"warning: {e}{note}; trying an older checkpoint", file=sys.stderr)
                continue
            if damaged:
                print(f"Resuming from the newest checkpoint that reads, step {step}.",
                      file=sys.stderr)
            return step
        if damaged:
            raise UserError(f"no checkpoint in {self.root} reads ({damaged[0]}): restore "
                            "them from a copy, or move the run directory away (or pass a "
                            "new --out) to start afresh")
        return None

    def set_aside(self, step):
        """Rename a damaged checkpoint out of the checkpoints' names."""
        source = self.path(step)
        target = self.root / f"{DAMAGED_PREFIX}{source.name}"
        n = 1
        while target.exists():
            n += 1
            target = self.root / f"{DAMAGED_PREFIX}{source.name}-{n}"
        os.replace(source, target)
        return target

"""A run directory and what reads it: `config.json` written (or checked
against the run being resumed) before training, the lock that makes one
process its only writer, and `load_run`, the trained model of a run for
export, evaluation and sampling.

    RUN/config.json           the full configuration (`Config`)
    RUN/model.json            the model's registry name and constructor config
    RUN/lock.json             the live writer's pid and host (while training)
    RUN/checkpoints/ckpt-N/   atomic checkpoints, the last K kept
    RUN/samples/step-N.png    grids from fixed noise
    RUN/logs/                 TensorBoard scalars and image grids
    RUN/export/               the generator as a SavedModel (when training ends)

A run directory is relocatable: the paths a model is built from (a text
encoder, a Stage-I run: each model's `path_hyperparameters`) are stored
relative to the run directory when they lie beside it (under its parent,
as the phases of a text recipe do), so a copied or moved tree resumes,
exports and evaluates. Paths elsewhere (a pretrained model's folder) stay
absolute. Runs written before stored absolute paths; they still load, and
when moved, paths that no longer exist are rebased from where the run was
(its recorded `out`) to where it is now.
"""

from __future__ import annotations

import datetime
import errno
import fcntl
import json
import os
import socket
import sys
from pathlib import Path

from tfgan_zoo.config import Config, model_hyperparameters
from tfgan_zoo.errors import UserError
from tfgan_zoo.files import read_json, write_atomic, write_error, writing
from tfgan_zoo.registry import get_model_class
from tfgan_zoo.rundir.checkpoint import CheckpointDir

# Settings that must match for a run directory to be resumed: the model, its
# data, and the optimizers (a recipe whose default rates change must not go on
# silently at the new rates from an old run's state).
IDENTITY = ("model", "model_args", "dataset", "image_size", "channels",
            "optimizer", "g_lr", "d_lr", "beta_1", "beta_2")
LOCK_FILE = "lock.json"
FRESH = "move the run directory away, or pass a new --out, to start afresh"


# ------------------------------------------------------------------ paths
def path_names(model_name):
    """The model's hyperparameters that are paths (`path_hyperparameters`)."""
    return tuple(getattr(get_model_class(model_name), "path_hyperparameters", ()))


def absolute(path):
    return os.path.abspath(os.path.expanduser(path))


def portable_paths(args, names, run_dir):
    """`args` with each path named in `names` stored for the run directory:
    relative to it when it lies under the run directory's parent (a sibling
    phase, e.g. ../encoder), else absolute."""
    run_dir = Path(absolute(run_dir))
    args = dict(args)
    for name in names:
        if args.get(name):
            target = absolute(args[name])
            inside = os.path.commonpath([target, str(run_dir.parent)]) == str(run_dir.parent)
            args[name] = os.path.relpath(target, run_dir) if inside else target
    return args


def resolve_paths(args, names, run_dir, recorded_out=None):
    """`args` with each stored path absolute: a relative one joined to the
    run directory; an absolute one kept, or, when it no longer exists and
    the run has moved from `recorded_out`, rebased onto the run's place."""
    run_dir = absolute(run_dir)
    args = dict(args)
    for name in names:
        value = args.get(name)
        if not value:
            continue
        if not os.path.isabs(os.path.expanduser(value)):
            args[name] = os.path.normpath(os.path.join(run_dir, value))
            continue
        if not os.path.exists(value) and recorded_out and os.path.isabs(recorded_out):
            moved = os.path.normpath(os.path.join(run_dir, os.path.relpath(value, recorded_out)))
            if os.path.exists(moved):
                args[name] = moved
    return args


def portable_config(config: Config, run_dir):
    """config.json's content: `config` with model paths stored portably."""
    data = config.to_dict()
    data["model_args"] = portable_paths(data["model_args"], path_names(config.model), run_dir)
    return data


# ------------------------------------------------------------- the files
def read_config(run_dir):
    """RUN/config.json as a dict; a damaged one is named, with the fix."""
    return read_json(Path(run_dir) / "config.json", "run settings",
                     "restore it from a copy, or delete it to resume with the settings "
                     f"given now, or {FRESH}")


def differences(keys, saved, given):
    """"KEY: saved X, given Y" for each of `keys` whose values differ."""
    return [f"{k}: saved {saved.get(k)!r}, given {given.get(k)!r}"
            for k in keys if saved.get(k) != given.get(k)]


def prepare_run_dir(config: Config, out: Path, chief: bool):
    """Write config.json, or check that an existing run is the same model.
    A config.json or model.json that does not read is reported and kept."""
    path = out / "config.json"
    if out.is_dir() and (out / "model.json").exists():
        read_json(out / "model.json", "model description",
                  f"restore it from a copy, or delete it (training rewrites it), or {FRESH}")
    # Only a run with checkpoints has anything to lose to a changed config.
    if path.exists() and CheckpointDir(out / "checkpoints").latest() is not None:
        saved = read_config(out)
        names = path_names(config.model)
        # A hyperparameter a run left out (one started from Python with a
        # few model_args, or before the argument existed) is its default,
        # or what it was before it existed (`defaults_before`): the command
        # line spells every one out for the same model.
        defaults = json.loads(json.dumps(model_hyperparameters(config.model), default=repr))
        before = get_model_class(config.model).defaults_before
        saved["model_args"] = {**defaults, **before, **resolve_paths(
            saved.get("model_args") or {}, names, out, saved.get("out"))}
        current = json.loads(json.dumps(config.to_dict()))
        current["model_args"] = {**defaults,
                                 **resolve_paths(current["model_args"], names, out)}
        for args in (saved["model_args"], current["model_args"]):
            if "ema_decay" in args and not args["ema_decay"]:
                args["ema_decay"] = None  # `--ema-decay 0` is "no EMA", as None is
        changed = [k for k in IDENTITY if saved.get(k) != current.get(k)]
        if changed:
            # Name the model arguments that differ, not the whole dict.
            shown = differences([k for k in changed if k != "model_args"], saved, current)
            if "model_args" in changed:
                theirs, mine = saved["model_args"], current["model_args"]
                shown += differences(sorted(set(mine) | set(theirs)), theirs, mine)
            raise UserError(f"{out} holds a run with different {', '.join(changed)} "
                            f"({'; '.join(shown)}): pass a new --out or the same settings (or delete "
                            f"{path} to go on with the ones given now)")
    elif path.exists():
        read_config(out)  # never overwrite what could not be read
    if chief:
        write_atomic(path, json.dumps(portable_config(config, out), indent=2).encode(),
                     "the run settings")


def write_model_description(out, model_name, model):
    """RUN/model.json: the registry name and constructor config, paths portable."""
    config = portable_paths(model.get_config(), path_names(model_name), out)
    write_atomic(Path(out) / "model.json",
                 json.dumps({"model": model_name, "config": config}, indent=2).encode(),
                 "the model description")


def load_run(run_dir, step=None):
    """The trained model of a run directory, from its newest checkpoint that
    reads (or `step`), for export, evaluation and sampling. Returns (model,
    config); `config.out` is where the run is now."""
    run_dir = Path(run_dir)
    if not (run_dir / "model.json").is_file():
        raise UserError(f"{run_dir} is not a tfgan_zoo run directory (no "
                        "model.json): pass the --out directory of a training run")
    saved = read_json(run_dir / "model.json", "model description",
                      "restore it from a copy, or re-run training with the same --out "
                      "to rewrite it")
    settings = read_config(run_dir)
    if not isinstance(saved.get("config"), dict) or "model" not in saved:
        raise UserError(f"model description {run_dir / 'model.json'} is damaged (no "
                        "model or config): restore it, or re-run training to rewrite it")
    names = path_names(saved["model"])
    fields = {f for f in Config.__dataclass_fields__}
    config = Config(**{k: v for k, v in settings.items() if k in fields})
    config.model_args = resolve_paths(config.model_args or {}, names, run_dir,
                                      settings.get("out"))
    config.out = str(run_dir)
    model_class = get_model_class(saved["model"])
    try:
        model = model_class.from_config({**model_class.defaults_before, **resolve_paths(
            saved["config"], names, run_dir, settings.get("out"))})
    except TypeError as e:
        raise UserError(f"model description {run_dir / 'model.json'} does not fit "
                        f"model '{saved['model']}' ({e}): restore it, or re-run "
                        "training with the same --out to rewrite it") from None
    model.build_networks()
    checkpoints = CheckpointDir(run_dir / "checkpoints", model)
    if step is None:
        step = checkpoints.restore_latest(partial=True)
    elif step not in checkpoints.steps():
        raise UserError(f"{run_dir} has no checkpoint of step {step} (it has "
                        f"{', '.join(map(str, checkpoints.steps())) or 'none'}): pass "
                        "one of those, or omit --step for the newest")
    else:
        checkpoints.restore(step, partial=True)
    if step is None:
        raise UserError(f"{run_dir} has no checkpoint yet: train it first")
    model.step = step
    return model, config


# ------------------------------------------------------------------- lock
_HELD = {}  # resolved run directory -> [file descriptor, depth]


def _process_start(pid):
    """The start time of process `pid` (clock ticks since boot, Linux), so a
    recycled pid is not mistaken for the lock's owner; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _alive(pid, started):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return started is None or _process_start(pid) in (None, started)


class RunLock:
    """One run directory, one writer: `RUN/lock.json` records the writer's
    pid and host, held with an advisory lock (flock) while it trains.

    A second live process on the same directory is refused with a one-line
    UserError naming the owner. A lock left by a process that is gone (a
    SIGKILL) is taken over, with a message; one from another host cannot be
    checked from here, so it is refused with the fix. Re-entrant within a
    process (a text recipe locks OUT, then each phase its own directory)."""

    def __init__(self, run_dir):
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / LOCK_FILE
        self.key = absolute(self.run_dir)

    def __enter__(self):
        if self.key in _HELD:
            _HELD[self.key][1] += 1
            return self
        with writing(self.path, "the run lock"):
            self.run_dir.mkdir(parents=True, exist_ok=True)
        for _ in range(5):
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                os.close(fd)
                if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise write_error(e, self.path, "the run lock") from None
                raise UserError(f"{self.run_dir} is in use by another trainer "
                                f"({self._describe(self._owner())}): wait for it to "
                                "finish, stop it, or pass another --out") from None
            # The file may have been removed (released) between open and flock.
            if os.path.exists(self.path) and os.fstat(fd).st_ino == os.stat(self.path).st_ino:
                break
            os.close(fd)
        else:
            raise UserError(f"could not lock {self.path}: too many trainers are "
                            "starting on it at once; start one")
        try:
            self._take_over(self._owner())
            self._write(fd)
        except BaseException:
            os.close(fd)
            raise
        _HELD[self.key] = [fd, 1]
        return self

    def __exit__(self, *exc):
        held = _HELD.get(self.key)
        if held is None:
            return False
        held[1] -= 1
        if held[1] == 0:
            del _HELD[self.key]
            try:
                os.unlink(self.path)  # unlink while still holding the lock
            except OSError:
                pass
            os.close(held[0])
        return False

    def _open(self):
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise write_error(e, self.path, "the run lock") from None

    def _owner(self):
        try:
            owner = json.loads(self.path.read_text() or "null")
        except (OSError, ValueError):
            return {"unreadable": True}
        return owner if isinstance(owner, dict) else None

    @staticmethod
    def _describe(owner):
        if not owner or owner.get("unreadable"):
            return "owner unknown"
        return (f"pid {owner.get('pid')} on host {owner.get('host')}, since "
                f"{owner.get('started', '?')}")

    def _take_over(self, owner):
        """Decide about a lock file left behind (we hold the flock now)."""
        if not owner:
            return
        host = socket.gethostname()
        if owner.get("unreadable"):
            print(f"warning: the lock {self.path} was unreadable (a writer killed while "
                  "writing it); taking it over", file=sys.stderr)
            return
        if owner.get("host") != host:
            raise UserError(f"{self.run_dir} is locked by a trainer on another host "
                            f"({self._describe(owner)}): if it is no longer running, "
                            f"delete {self.path}; else wait or pass another --out")
        pid = owner.get("pid")
        if isinstance(pid, int) and pid != os.getpid() and _alive(pid, owner.get("start_ticks")):
            # Alive, yet we hold the flock: it runs without one (an old
            # tfgan_zoo, or a file system without flock). Refuse, to be safe.
            raise UserError(f"{self.run_dir} is in use by another trainer "
                            f"({self._describe(owner)}): wait for it to finish, stop it, "
                            "or pass another --out")
        print(f"Taking over the lock of {self.run_dir}: its owner "
              f"({self._describe(owner)}) is no longer running.", file=sys.stderr)

    def _write(self, fd):
        record = {"pid": os.getpid(), "host": socket.gethostname(),
                  "start_ticks": _process_start(os.getpid()),
                  "started": datetime.datetime.now(datetime.timezone.utc).isoformat(
                      timespec="seconds")}
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)
            os.fsync(fd)
        except OSError as e:
            raise write_error(e, self.path, "the run lock") from None

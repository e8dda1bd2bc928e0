"""Reading and writing a run's files safely.

Writes are atomic: a reader, a polling server or a crash (even SIGKILL)
never sees half a file or half a directory, and a write that fails (a full
disk, a read-only folder) leaves the previous file as it was and raises a
one-line `UserError` naming the file and the fix. Reads of the JSON files
the project writes (`read_json`) name a missing or damaged file the same
way (`DamagedFile`)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from tfgan_zoo.errors import DamagedFile, UserError

CACHE_ENV = "TFGAN_ZOO_CACHE"


def cache_root() -> Path:
    """`$TFGAN_ZOO_CACHE`, or ~/.cache/tfgan_zoo: where evaluation
    classifiers, FID statistics and parsed corpora are kept; one that is a
    file is refused with the fix."""
    root = Path(os.environ.get(CACHE_ENV) or "~/.cache/tfgan_zoo").expanduser()
    if root.exists() and not root.is_dir():
        raise UserError(f"${CACHE_ENV} = {root} is a file, not a folder: point "
                        f"${CACHE_ENV} at a folder (it is created if missing)")
    return root


# What to do about an OSError met while writing, by errno.
WRITE_FIXES = {
    errno.ENOSPC: "free some disk space, then re-run (a run resumes from its last checkpoint)",
    errno.EDQUOT: "free some of your disk quota, then re-run",
    errno.EACCES: "make the folder writable or pass another directory",
    errno.EPERM: "make the folder writable or pass another directory",
    errno.EROFS: "the file system is read-only: pass a directory on a writable one",
    errno.ENOTDIR: "a file stands where a folder is needed: pass another directory",
    errno.EEXIST: "a file stands where a folder is needed: pass another directory",
}


def write_error(error, path, what="file"):
    """The one-line `UserError` for `error` (an OSError, or TensorFlow's
    error for one) met while writing `what` at `path`."""
    code = getattr(error, "errno", None)
    reason = getattr(error, "strerror", None) or getattr(error, "message", None) or str(error)
    reason = (reason.strip().splitlines() or [type(error).__name__])[0]
    if code is None:  # TensorFlow's errors carry the OS's text, not its number
        code = next((c for c, text in ((errno.ENOSPC, "No space left"),
                                       (errno.EDQUOT, "quota exceeded"),
                                       (errno.EACCES, "Permission denied"),
                                       (errno.EROFS, "Read-only file system"))
                     if text.lower() in reason.lower()), None)
    fix = WRITE_FIXES.get(code, "check that the folder exists and is writable, then re-run")
    return UserError(f"cannot write {what} {path}: {reason}: {fix}")


@contextlib.contextmanager
def writing(path, what="file"):
    """Turn an OSError raised inside the block into `write_error`."""
    try:
        yield
    except OSError as e:
        raise write_error(e, path, what) from None


def read_json(path, what="file", fix="delete it, or restore it from a copy"):
    """The JSON object stored in `path`. A missing, unreadable or damaged
    file raises `DamagedFile` naming it, `what` it is and `fix`."""
    path = Path(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise DamagedFile(f"{what} {path} is missing: {fix}", path) from None
    except OSError as e:
        raise DamagedFile(f"cannot read {what} {path} ({e.strerror}): {fix}", path) from None
    except ValueError as e:  # JSONDecodeError, UnicodeDecodeError
        where = f" at line {e.lineno}" if hasattr(e, "lineno") else ""
        raise DamagedFile(f"{what} {path} is damaged (not valid JSON{where}): {fix}",
                          path) from None
    if not isinstance(data, dict):
        raise DamagedFile(f"{what} {path} is damaged (not a JSON object): {fix}", path)
    return data


def remove_leftovers(path):
    """Delete what writes of `path` killed half-way left beside it (hidden
    `.NAME.tmp-*` and `.NAME.old-*`). Only for a path no one else can be
    writing at the moment: one under a run directory its lock holder owns."""
    path = Path(path)
    for pattern in (f".{path.name}.tmp-*", f".{path.name}.old-*"):
        for entry in path.parent.glob(pattern):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()


def _temporary(path):
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def write_atomic(path, data: bytes, what="file"):
    """Write bytes to `path` via a temporary file and rename, so a reader or
    a crash never sees a half-written file; a failed write leaves `path` as
    it was and raises a one-line UserError."""
    path = Path(path)
    tmp = _temporary(path)
    try:
        with writing(path, what):
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_npz_atomic(path, what="file", **arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    write_atomic(path, buffer.getvalue(), what)


def cached_arrays(folder, name, paths, compute, key="", what="cache"):
    """`compute()` (a dict of arrays), kept in $TFGAN_ZOO_CACHE/folder/ under
    a key of `key` and the files' names, sizes and times, written
    atomically; a damaged cache file is computed again."""
    digest = hashlib.sha256(str(key).encode())
    for path in paths:
        stat = os.stat(path)
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    target = cache_root() / folder / f"{name}-{digest.hexdigest()[:16]}.npz"
    if target.exists():
        try:
            with np.load(target) as saved:
                return {k: saved[k] for k in saved.files}
        except Exception:  # a damaged cache is computed again
            pass
    arrays = compute()
    write_npz_atomic(target, what=what, **arrays)
    return arrays


def write_json_atomic(path, data, what="file"):
    write_atomic(path, (json.dumps(data, indent=2, default=str) + "\n").encode(), what)


def atomic_directory(path, write, overwrite=False, what="directory"):
    """Call `write(tmp)` on a fresh temporary directory beside `path`, then
    rename it to `path`: a reader (or TF Serving's poller) sees all of it
    or none. An existing `path` is kept unless `overwrite`, and then swapped
    out only once the new one is complete. A failed write (an OSError such
    as a full disk) leaves `path` as it was and raises a one-line UserError."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True or a new path")
    tmp = None
    try:
        with writing(path, what):
            path.parent.mkdir(parents=True, exist_ok=True)
            # A hidden, non-numeric name: TF Serving ignores it while it is written.
            tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
            result = write(tmp)
            if path.exists():
                old = path.with_name(f".{path.name}.old-{os.getpid()}")
                os.replace(path, old)
                os.replace(tmp, path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(tmp, path)
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return result

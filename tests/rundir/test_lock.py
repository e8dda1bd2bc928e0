"""One run directory, one writer: `RUN/lock.json` (pid + host) held with
flock while a trainer runs; a second live writer is refused, a lock whose
owner is gone is taken over with a message."""

import json
import os
import socket
import subprocess
import sys

import pytest

from tests.support.runs import environment, tiny
from tfgan_zoo.errors import UserError
from tfgan_zoo.rundir.run import LOCK_FILE, RunLock
from tfgan_zoo.training.trainer import train

HOLD = ("import sys, time\n"
        "from tfgan_zoo.rundir.run import RunLock\n"
        "RunLock(sys.argv[1]).__enter__()\n"
        "print('held', flush=True)\n"
        "time.sleep(120)\n")


@pytest.fixture
def holder(tmp_path):
    """Another process holding the lock of tmp_path/run."""
    run = tmp_path / "run"
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(run)], stdout=subprocess.PIPE,
                               text=True, env=environment())
    try:
        assert process.stdout.readline().strip() == "held"
        yield run, process
    finally:
        process.kill()
        process.wait(timeout=30)


def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_second_live_writer_is_refused_then_takes_over_once_it_is_gone(holder, capsys):
    run, process = holder
    owner = json.loads((run / LOCK_FILE).read_text())
    assert owner["pid"] == process.pid and owner["host"] == socket.gethostname()
    with pytest.raises(UserError, match=rf"in use by another trainer \(pid {process.pid} on "
                                        rf"host {socket.gethostname()}.*pass another --out"):
        train(tiny(run), verbose=0)
    assert not (run / "config.json").exists()  # refused before writing anything
    process.kill()  # SIGKILL: the lock file stays behind
    process.wait(timeout=30)
    with RunLock(run):
        assert json.loads((run / LOCK_FILE).read_text())["pid"] == os.getpid()
    assert f"its owner (pid {process.pid}" in capsys.readouterr().err
    assert not (run / LOCK_FILE).exists()  # released


def test_a_stale_lock_of_this_host_is_taken_over(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    pid = dead_pid()
    (run / LOCK_FILE).write_text(json.dumps({"pid": pid, "host": socket.gethostname()}))
    model = train(tiny(run, steps=2), verbose=0)
    assert int(model.g_optimizer.iterations.numpy()) == 2
    assert f"Taking over the lock of {run}: its owner (pid {pid}" in capsys.readouterr().err
    assert not (run / LOCK_FILE).exists()


def test_a_lock_from_another_host_is_refused_with_the_fix(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / LOCK_FILE).write_text(json.dumps({"pid": 1, "host": "another-machine"}))
    with pytest.raises(UserError, match=r"locked by a trainer on another host .*"
                                        r"another-machine.*delete .*lock.json"):
        with RunLock(run):
            pass
    assert (run / LOCK_FILE).exists()  # not ours to remove


def test_an_unreadable_lock_is_taken_over(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / LOCK_FILE).write_text('{"pid": 12')  # a writer killed mid-write
    with RunLock(run):
        pass
    assert "was unreadable" in capsys.readouterr().err


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    """A text recipe locks OUT, then its phases lock OUT/encoder, OUT/gan."""
    run = tmp_path / "run"
    with RunLock(run):
        with RunLock(run):
            assert (run / LOCK_FILE).exists()
        assert (run / LOCK_FILE).exists()
        with RunLock(run / "gan"):
            assert (run / "gan" / LOCK_FILE).exists()
    assert not (run / LOCK_FILE).exists() and not (run / "gan" / LOCK_FILE).exists()


def test_only_the_chief_locks(tmp_path, monkeypatch):
    """Under MultiWorker a worker that is not the chief writes nothing."""
    from tfgan_zoo.training import trainer
    monkeypatch.setattr(trainer, "is_chief", lambda strategy: False)
    run = tmp_path / "run"
    seen = []
    original = trainer._train

    def spy(config, strategy, chief, out, *args):
        seen.append((run / LOCK_FILE).exists())
        return original(config, strategy, chief, out, *args)

    monkeypatch.setattr(trainer, "_train", spy)
    train(tiny(run, steps=2), verbose=0)
    assert seen == [False]
    assert not (run / "config.json").exists() and not (run / "checkpoints").exists()

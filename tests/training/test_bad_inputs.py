"""Bad input from the command line and the environment: one line naming
the problem and the fix, a non-zero exit, no traceback, nothing written.
The five cases of the reliability issue run as real commands; the
environment's TF_CONFIG is checked in-process. `benchmarks/bad_inputs.py`
runs the full battery."""

import json
import os
import shutil

import pytest

from tests.support.runs import TINY_FLAGS, environment, last_line, run_cli, tiny
from tfgan_zoo.errors import UserError
from tfgan_zoo.training.trainer import check_tf_config, train


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("bad-inputs") / "run"
    train(tiny(out, steps=2), verbose=0)
    return out


def assert_one_line(result, message, status=2):
    assert result.returncode == status, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    line = last_line(result.stderr)
    assert message in line and len(line) < 500, line
    assert "Done" not in result.stdout


@pytest.mark.parametrize("case, message", [
    ("--g-lr nan", "--g-lr must be a finite learning rate > 0, got nan"),
    ("--d-lr -1", "--d-lr must be a finite learning rate > 0, got -1.0"),
    ("--out FILE", "is a file, not a run directory"),
    ("TF_CONFIG", "TF_CONFIG is not valid JSON"),
    ("corrupt config.json", "config.json is damaged (not valid JSON"),
])
def test_the_five_cases_of_the_issue(case, message, trained, tmp_path):
    out, env = tmp_path / "run", environment()
    argv = []
    if case == "--out FILE":
        out = tmp_path / "afile"
        out.write_text("a file")
    elif case == "TF_CONFIG":
        env["TF_CONFIG"] = '{"cluster": {'
        argv = ["--strategy", "multiworker"]
    elif case == "corrupt config.json":
        out = shutil.copytree(trained, tmp_path / "copy")
        (out / "config.json").write_text("{ corrupt")
        before = sorted((p.name, p.stat().st_size) for p in (out / "checkpoints").rglob("*"))
    else:
        argv = case.split()
    result = run_cli("tfgan_zoo.recipes.dcgan", "--steps", "4", "--out", str(out),
                     *TINY_FLAGS, *argv, env=env)
    assert_one_line(result, message)
    if case == "corrupt config.json":
        assert (out / "config.json").read_text() == "{ corrupt"
        assert sorted((p.name, p.stat().st_size)
                      for p in (out / "checkpoints").rglob("*")) == before
    elif case != "--out FILE":
        assert not out.exists()


@pytest.mark.parametrize("value, message", [
    ('{"cluster": {', "is not valid JSON"),
    ("[1, 2]", 'has no "cluster" object'),
    ('{"cluster": {}}', 'has no "cluster" object'),
    ('{"cluster": {"worker": "host:1"}}', 'cluster "worker" must list'),
    ('{"cluster": {"worker": ["host"]}, "task": {"type": "worker", "index": 0}}',
     "has the address 'host', not \"host:port\""),
    ('{"cluster": {"worker": ["h:99999"]}, "task": {"type": "worker", "index": 0}}',
     "has the address 'h:99999'"),
    ('{"cluster": {"worker": ["h:1"]}}', 'TF_CONFIG\'s "task" must name a task type'),
    ('{"cluster": {"worker": ["h:1"]}, "task": {"type": "chief", "index": 0}}',
     '"task" must name a task type of the cluster (worker)'),
    ('{"cluster": {"worker": ["h:1", "h:2"]}, "task": {"type": "worker", "index": 2}}',
     "task index 2 is outside its cluster's 2 \"worker\" address(es): pass 0 to 1"),
])
def test_tf_config_is_checked(value, message):
    with pytest.raises(UserError) as error:
        check_tf_config(value)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_good_tf_config_passes():
    value = {"cluster": {"chief": ["a:1"], "worker": ["b:2", "c:3"]},
             "task": {"type": "worker", "index": 1}}
    assert check_tf_config(json.dumps(value)) == value["cluster"]


def test_an_empty_tf_config_says_what_is_needed(monkeypatch, tmp_path):
    monkeypatch.setitem(os.environ, "TF_CONFIG", " ")
    with pytest.raises(UserError, match="needs the TF_CONFIG environment variable"):
        train(tiny(tmp_path / "run", strategy="multiworker"), verbose=0)

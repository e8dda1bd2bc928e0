"""Load a script of benchmarks/ as a module (the scripts are not a package;
they import their siblings, such as _runs, by name), and read the one-line
error its command line exits with."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def load_benchmark(name):
    """benchmarks/NAME.py, executed as module NAME."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def usage_error(parse, capsys, *argv):
    """The last stderr line of `parse(argv)`, which must exit as argparse
    does on bad input (status 2)."""
    with pytest.raises(SystemExit) as exit_:
        parse(list(argv))
    assert exit_.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]

"""What every command line of the project shares: argument errors and
`UserError`s as one line naming the problem and the fix, never a usage dump
or a traceback."""

from __future__ import annotations

import argparse
import sys

from tfgan_zoo.errors import UserError


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        # One line, no usage dump: name the problem and the fix.
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def positive_int(text):
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{text}'")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def positive_float(text):
    """argparse type: a number > 0 (a learning rate, a weight)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got '{text}'")
    if not value > 0:  # NaN too
        raise argparse.ArgumentTypeError(f"must be a positive number, got {value}")
    return value


def without_flags(argv, flags):
    """`argv` without the given flags and their values (`--flag V` or
    `--flag=V`): what is left for another parser, e.g. a recipe's training
    flags after its phase flags are read."""
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        flag, eq, _ = arg.partition("=")
        if flag in flags:
            skip = not eq
            continue
        kept.append(arg)
    return kept


def fail(error: UserError):
    """Print a `UserError` as one line on stderr and exit with its status
    (2; 128 + the signal for a run stopped by one)."""
    print(f"error: {error}", file=sys.stderr)
    sys.exit(error.exit_code)


def run(main, *args, **kwargs):
    """Call `main`; a `UserError` becomes one line on stderr and its exit
    status (see `fail`). Returns what `main` returns."""
    try:
        return main(*args, **kwargs)
    except UserError as e:
        fail(e)

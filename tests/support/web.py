"""What the web-page tests need from the machine, and how they say it is
missing: a skip with one line, or a failure in CI (`CI` set), where
`.ci/run` installs it."""

import os
from pathlib import Path

import pytest

# The LiteRT.js runtime `npm install` puts beside package.json.
RUNTIME = Path(os.environ.get("TFGAN_ZOO_LITERTJS",
                              Path(__file__).parents[2] / "node_modules" / "@litertjs" / "core"))


def need(what, reason):
    """Skip with a one-line reason without the set-up; in CI, fail."""
    if not what:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(reason)

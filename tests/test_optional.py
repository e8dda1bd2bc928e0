"""The optional packages' table agrees with setup.cfg, and a missing one is
a one-line error naming the extra."""
import configparser
import sys
from pathlib import Path

import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.optional import EXTRAS, require


def test_every_optional_package_is_installed_by_its_extra():
    config = configparser.ConfigParser()
    config.read(Path(__file__).resolve().parents[1] / "setup.cfg")
    extras = config["options.extras_require"]
    for module, (extra, package) in EXTRAS.items():
        assert package in extras[extra].split(), (module, extra)
        assert package in extras["test"].split(), (module, "test")


def test_a_missing_package_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "av", None)
    with pytest.raises(UserError, match=r"^reading clips needs av: pip install tfgan_zoo\[video\] "
                                        r"\(or pip install av\)$"):
        require("av", "reading clips")

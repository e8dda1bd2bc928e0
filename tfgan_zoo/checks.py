"""Range and finiteness checks of the numbers a user passes.

One table of rules, by name, serves the training `Config` (`--g-lr`,
`--beta-1`, ...) and every model's constructor (`--kl-weight`, `--clip`,
`--ema-decay`, ...), so a future model's `*_weight`, `*_lr`, `clip` or
`temperature` is checked without a line of its own:

    learning rates (`lr`, `*_lr`, `learning_rate`)   finite, > 0
    Adam's `beta_1`, `beta_2`                         in [0, 1)
    loss weights (`*_weight`)                         finite, >= 0
    clip values, temperatures, `*_scale`              finite, > 0
    decays (`*_decay`, `decay_after`), dropout rates  in [0, 1)
    fractions (`*_fraction`), `beta`                  in [0, 1]
    widths and sizes (`ngf`, `*_dim`, ...)            integers >= 1 (>= 0 if 0
                                                      is the default)
    any other integer                                 >= 0
    any other number                                  finite

A value must also have its default's type: a float hyperparameter takes a
number, an integer one an integer, a flag True or False. `None` (where it
is the default) and 0 for an EMA decay ("off") are always allowed.
"""

from __future__ import annotations

import inspect
import math
import numbers
import re

from tfgan_zoo.errors import UserError

# (name pattern, low, high, low inclusive, high inclusive, what it is)
RULES = (
    (r"(^|_)lr$|^learning_rate$", 0, math.inf, False, False, "a learning rate"),
    (r"^beta_\d$", 0, 1, True, False, "an Adam beta"),
    (r"^beta$|_fraction$", 0, 1, True, True, "a fraction"),
    (r"(^|_)weight$", 0, math.inf, True, False, "a loss weight"),
    (r"(^|_)(clip|temperature)$|_scale$", 0, math.inf, False, False, "a value"),
    (r"(^|_)decay$|^decay_after$|(^|_)dropout$|_rate$", 0, 1, True, False, "a rate"),
)
# Integer hyperparameters that count something that must exist.
POSITIVE_INTS = re.compile(r"(^|_)(n[gde]f|dim|units|filters|critic|length|boxes|scales)$"
                           r"|^(scale|upscale|stage)$")
# Values that mean "off" and skip the range (an EMA decay of 0).
OFF = {"ema_decay": (0, None)}


def flag(name):
    return "--" + name.replace("_", "-")


def _interval(low, high, low_in, high_in):
    if high == math.inf:
        return "" if low == -math.inf else f" {'>=' if low_in else '>'} {low:g}"
    left, right = "[" if low_in else "(", "]" if high_in else ")"
    return f" in {left}{low:g}, {high:g}{right}"


def is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_number(name, value, low=-math.inf, high=math.inf, *, low_in=True, high_in=True,
                 what="a number"):
    """`value` as a float if it is a finite number inside the interval, else
    a one-line UserError naming the flag, the interval and the value."""
    where = _interval(low, high, low_in, high_in)
    finite = is_number(value) and math.isfinite(value)
    above = finite and (value >= low if low_in else value > low)
    below = finite and (value <= high if high_in else value < high)
    if not (above and below):
        noun = what.split(" ", 1)[1]
        raise UserError(f"{flag(name)} must be a finite {noun}{where}, got {value!r}")
    return value


def check_value(name, value, default=None):
    """Check one named value by the rules above; `default` gives its type."""
    if value is None or (name in OFF and value in OFF[name]):
        return value
    if isinstance(default, bool) and not isinstance(value, bool):
        raise UserError(f"{flag(name)} is a switch: pass True or False "
                        f"(or --{name.replace('_', '-')} / --no-{name.replace('_', '-')}), "
                        f"got {value!r}")
    if is_number(default) and not is_number(value):
        raise UserError(f"{flag(name)} must be a number, got {value!r}")
    if isinstance(default, numbers.Integral) and not isinstance(default, bool) \
            and is_number(value) and value != int(value):
        raise UserError(f"{flag(name)} must be an integer, got {value!r}")
    if not is_number(value):
        return value
    for pattern, low, high, low_in, high_in, what in RULES:
        if re.search(pattern, name):
            return check_number(name, value, low, high, low_in=low_in, high_in=high_in,
                                what=what)
    if isinstance(default, numbers.Integral) or isinstance(value, numbers.Integral):
        # A width whose default is 0 (an image model's latent_dim) may be 0.
        low = 1 if POSITIVE_INTS.search(name) and not default == 0 else 0
        return check_number(name, value, low, what="an integer")
    return check_number(name, value)


def check_values(values, defaults=None):
    """Check every named value of a dict (flags, a model's keyword
    arguments) against the rules; `defaults` gives their types."""
    defaults = defaults or {}
    for name, value in values.items():
        check_value(name, value, defaults.get(name))


def constructor_defaults(cls):
    """The keyword-only constructor arguments of `cls` and its bases short
    of Keras and TensorFlow, with their defaults (a subclass's wins)."""
    params = {}
    for klass in reversed(cls.__mro__):
        if "__init__" not in vars(klass) or klass.__module__.split(".")[0] in (
                "keras", "tensorflow", "builtins"):
            continue
        for p in inspect.signature(klass.__init__).parameters.values():
            if p.kind == p.KEYWORD_ONLY:
                params[p.name] = p.default
    return params

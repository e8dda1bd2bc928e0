"""Training configuration: complete defaults, recipes as small overrides, and
the command line that exposes every field.

A recipe is `Config(...)` naming only what differs from the defaults. Its
command line has one flag per field (`--batch-size`, `--g-lr`, ...) and one
per hyperparameter of the recipe's model (`--latent-dim`, `--n-critic`, ...,
read from the model's constructor), each with its default shown in `--help`.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import os
import sys
from dataclasses import dataclass, field

from tfgan_zoo.checks import check_value, check_values, constructor_defaults
from tfgan_zoo.cli import ArgumentParser, positive_int
from tfgan_zoo.errors import UserError
from tfgan_zoo.optimizers import OPTIMIZERS
from tfgan_zoo.registry import get_model_class

STRATEGIES = ("default", "mirrored", "multiworker", "tpu")
PRECISIONS = ("auto", "none", "float16", "bfloat16")
JIT = {"auto": "auto", "on": True, "off": False}


@dataclass
class Config:
    """Everything a training run needs. Field docs are the `--help` text."""

    recipe: str = "custom"
    model: str = "dcgan"
    model_args: dict = field(default_factory=dict)
    # data
    dataset: str = "mnist5k"
    data_dir: str | None = None
    image_size: int | None = None
    channels: int | None = None
    # optimisation
    steps: int = 2000
    batch_size: int = 64
    optimizer: str = "adam"
    d_optimizer: str | None = None
    g_lr: float = 2e-4
    d_lr: float = 2e-4
    beta_1: float = 0.5
    beta_2: float = 0.999
    # scale and speed
    strategy: str = "default"
    mixed_precision: str = "auto"
    jit_compile: bool | str = "auto"
    steps_per_execution: int = 1
    # run directory
    out: str | None = None
    seed: int = 0
    sample_every: int = 200
    checkpoint_every: int = 200
    keep_checkpoints: int = 3
    log_every: int = 50
    num_samples: int = 64
    epoch_steps: int = 100
    export: bool = True
    report: bool = True

    def __post_init__(self):
        if self.out is None:
            self.out = f"runs/{self.recipe}"

    def to_dict(self):
        return dataclasses.asdict(self)


HELP = {
    "recipe": "recipe name (names the default run directory)",
    "model": "registered model name",
    "dataset": "mnist5k, digits, fashion_mnist_local, tfds:NAME or folder:PATH",
    "data_dir": "TFDS data directory",
    "image_size": "resize images to this square size (default: native size)",
    "channels": "convert images to 1 or 3 channels (default: native)",
    "steps": "total generator steps; a re-run resumes and trains up to this",
    "batch_size": "global batch size (split across replicas)",
    "optimizer": "adam, rmsprop, sgd (momentum 0.9) or gd (plain gradient descent), "
                 "for every player",
    "d_optimizer": "the discriminator's optimizer when it differs (e.g. gd for "
                   "RCGAN's D); default: --optimizer",
    "g_lr": "generator learning rate",
    "d_lr": "discriminator learning rate",
    "beta_1": "Adam beta_1", "beta_2": "Adam beta_2",
    "strategy": "default, mirrored (GPUs), multiworker (TF_CONFIG) or tpu",
    "mixed_precision": "auto (bfloat16 where the hardware has it natively and it "
                       "measured faster, float16 on GPUs without bfloat16, else "
                       "float32), none (float32), float16 or bfloat16",
    "jit_compile": "compile train steps with XLA: auto (on where it measured faster "
                   "for the model family on this device), on or off",
    "steps_per_execution": "train steps per tf.function call",
    "out": "run directory (default runs/<recipe>)",
    "seed": "seed of data order, noise and sample grids",
    "sample_every": "write a sample grid every N steps",
    "checkpoint_every": "write a checkpoint every N steps",
    "keep_checkpoints": "keep the last K checkpoints",
    "log_every": "write TensorBoard scalars every N steps",
    "num_samples": "images in each sample grid",
    "epoch_steps": "steps per progress-bar epoch",
    "export": "export the generator when training ends",
    "report": "write the recipe's reports after training (e.g. DCGAN's latent grids)",
}

POSITIVE = {"steps", "batch_size", "steps_per_execution", "sample_every",
            "checkpoint_every", "keep_checkpoints", "log_every", "num_samples",
            "epoch_steps", "image_size"}
CHOICES = {"strategy": STRATEGIES, "mixed_precision": PRECISIONS,
           "optimizer": OPTIMIZERS, "d_optimizer": OPTIMIZERS, "channels": (1, 3)}


def flag(name):
    return "--" + name.replace("_", "-")


def jit_choice(text):
    """argparse type of --jit-compile: auto, on or off."""
    value = JIT.get(text.lower(), {"true": True, "false": False}.get(text.lower()))
    if value is None:
        raise argparse.ArgumentTypeError(f"expected auto, on or off, got '{text}'")
    return value


SWITCH = {"true": True, "yes": True, "on": True, "1": True,
          "false": False, "no": False, "off": False, "0": False}


def switch(text):
    """argparse type of a model's boolean hyperparameter: `--flag`, `--flag
    true|false` (also yes/no, on/off, 1/0) or `--no-flag`."""
    value = SWITCH.get(text.lower())
    if value is None:
        raise argparse.ArgumentTypeError(f"expected true or false, got '{text}'")
    return value


def literal(text):
    """Parse a model hyperparameter: numbers, tuples, booleans or a string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def model_hyperparameters(model_name):
    """The model's constructor keyword arguments and their defaults, walking
    up the class hierarchy. Shape and classes come from the data, the seed
    from --seed."""
    model_class = get_model_class(model_name)
    params = constructor_defaults(model_class)
    hidden = () if model_class.supports_ema else ("ema_decay", "ema_start", "ema_bn_recalibrate")
    for derived in ("image_shape", "num_classes", "seed", "name", "total_steps", *hidden,
                    *model_class.unused_hyperparameters):
        params.pop(derived, None)
    return params


def hyperparameter_docs(model_name):
    """Descriptions from the `Args:` sections of the model's class docstrings
    ("name: text" or "name1, name2: text"), each joined onto one line with its
    deeper-indented continuation lines (a cut one would end mid-sentence)."""
    docs = {}
    for cls in reversed(get_model_class(model_name).__mro__):
        lines = inspect.getdoc(cls) or ""
        in_args, names = False, []
        for line in lines.splitlines():
            if line.strip() == "Args:":
                in_args, names = True, []
            elif in_args and ":" in line and line.startswith("    ") \
                    and not line.startswith("     "):
                head, text = line.split(":", 1)
                names = [name.strip() for name in head.split(",")]
                for name in names:
                    docs[name] = text.strip()
            elif in_args and names and line.startswith("     ") and line.strip():
                for name in names:
                    docs[name] = f"{docs[name]} {line.strip()}".strip()
            elif in_args and line and not line.startswith(" "):
                in_args, names = False, []
    return docs


def build_parser(recipe: Config):
    parser = ArgumentParser(
        prog=f"python -m tfgan_zoo.recipes.{recipe.recipe}",
        description=f"Train the '{recipe.recipe}' recipe ({recipe.model} on "
                    f"{recipe.dataset}). Every default below can be overridden.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    run = parser.add_argument_group("run")
    for f in dataclasses.fields(Config):
        if f.name in ("recipe", "model_args"):
            continue
        default = getattr(recipe, f.name)
        kwargs = {"default": default, "help": HELP.get(f.name, " "), "dest": f.name}
        if f.name == "jit_compile":  # --jit-compile [auto|on|off], --no-jit-compile
            kwargs.update(nargs="?", const=True, type=jit_choice, metavar="{auto,on,off}")
            run.add_argument("--no-jit-compile", dest=f.name, action="store_const",
                             const=False, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        elif f.type in ("bool", bool):
            kwargs["action"] = argparse.BooleanOptionalAction
        elif f.name in POSITIVE:
            kwargs["type"] = positive_int
        elif f.type in ("float", float):
            kwargs["type"] = float
        elif f.type in ("int", int) or f.name == "channels":
            kwargs["type"] = int
        if f.name in CHOICES:
            kwargs["choices"] = CHOICES[f.name]
        run.add_argument(flag(f.name), **kwargs)
    model = parser.add_argument_group(f"model hyperparameters ({recipe.model})")
    docs = hyperparameter_docs(recipe.model)
    for name, default in model_hyperparameters(recipe.model).items():
        kwargs = {"type": literal, "metavar": name.upper()}
        if isinstance(default, bool):  # --flag [true|false] and --no-flag
            kwargs = {"type": switch, "nargs": "?", "const": True, "metavar": "{true,false}"}
            model.add_argument("--no-" + flag(name)[2:], dest=f"model.{name}",
                               action="store_const", const=False,
                               default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        model.add_argument(flag(name), dest=f"model.{name}",
                           default=recipe.model_args.get(name, default),
                           # argparse %-formats help text: "30 %" must reach it as "30 %%"
                           help=docs.get(name, "model hyperparameter").replace("%", "%%"),
                           **kwargs)
    return parser


def parse_args(recipe: Config, argv=None) -> Config:
    """The recipe's config with command-line overrides applied."""
    args = vars(build_parser(recipe).parse_args(sys.argv[1:] if argv is None else argv))
    model_args = {k.split(".", 1)[1]: v for k, v in args.items() if k.startswith("model.")}
    fields = {k: v for k, v in args.items() if not k.startswith("model.")}
    if fields["out"] == f"runs/{recipe.recipe}" or fields["out"] is None:
        fields["out"] = recipe.out
    return dataclasses.replace(recipe, model_args=model_args, **fields)


def validate(config: Config):
    """Checks that argparse cannot do, for the command line and for a Config
    built in Python: types, ranges and finiteness of every number
    (`tfgan_zoo.checks`), choices, the model's hyperparameters, and an --out
    that can be a directory. Nothing is written before these pass."""
    defaults = {f.name: f.default for f in dataclasses.fields(Config)
                if f.default is not dataclasses.MISSING}
    for name, value in config.to_dict().items():
        if name not in POSITIVE and name not in CHOICES and name in defaults:
            check_value(name, value, defaults[name])
    for name in POSITIVE:
        value = getattr(config, name)
        if value is not None and (not isinstance(value, int) or value <= 0):
            raise UserError(f"{name.replace('_', ' ')} must be a positive integer, "
                            f"got {value!r}: pass {flag(name)} N with N >= 1")
    for name, choices in CHOICES.items():
        value = getattr(config, name)
        if value is not None and value not in choices:
            raise UserError(f"unknown {name.replace('_', ' ')} '{value}': choose "
                            f"{', '.join(map(str, choices))}")
    if config.jit_compile not in JIT.values():
        raise UserError(f"--jit-compile is a switch: pass auto, on or off (in Python "
                        f"'auto', True or False), got {config.jit_compile!r}")
    hyperparameters = model_hyperparameters(config.model)
    unknown = set(config.model_args) - set(hyperparameters)
    if unknown:
        raise UserError(f"model '{config.model}' has no hyperparameter "
                        f"{', '.join(sorted(unknown))}: see --help")
    check_values(config.model_args, hyperparameters)
    check_out(config.out)


def check_out(out):
    """--out must name a directory (existing or to be made), not a file."""
    if not isinstance(out, str) or not out.strip():
        raise UserError(f"--out must name a run directory, got {out!r}")
    path = os.path.expanduser(out)
    if os.path.exists(path) and not os.path.isdir(path):
        raise UserError(f"--out {out} is a file, not a run directory: pass a "
                        "directory (new or a run to resume)")
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise UserError(f"--out {out} lies under the file {parent}: pass a directory")

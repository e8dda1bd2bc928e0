"""Recipes: a dataset, a model and hyperparameters, trained with one command.

    python -m tfgan_zoo.recipes.dcgan --steps 500 --out runs/my-dcgan
    python -m tfgan_zoo.recipes dcgan --help      # same, by name

Each recipe module holds `RECIPE`, a `Config` naming only what differs from
the defaults in `tfgan_zoo.config.Config`.
"""

import importlib
import pkgutil

from tfgan_zoo.errors import unknown_name


def recipe_names():
    return sorted(m.name for m in pkgutil.iter_modules(__path__)
                  if not m.name.startswith("_"))


def get_recipe(name):
    """The recipe module called `name`."""
    if name not in recipe_names():
        raise unknown_name("recipe", name, recipe_names(), "python -m tfgan_zoo.recipes")
    return importlib.import_module(f"{__name__}.{name}")

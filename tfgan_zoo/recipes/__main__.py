"""`python -m tfgan_zoo.recipes NAME [flags]`: run a recipe by name."""

import sys

from tfgan_zoo.errors import UserError
from tfgan_zoo.recipes import get_recipe, recipe_names
from tfgan_zoo.training.trainer import main as train_main


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m tfgan_zoo.recipes NAME [--help] [flags]\n"
              f"recipes: {', '.join(recipe_names())}")
        return 0
    try:
        module = get_recipe(argv[0])
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    # A recipe of several phases defines its own main(argv); a one-phase
    # recipe imports the trainer's main(recipe, argv) for its __main__ block.
    own_main = getattr(module, "main", train_main)
    if own_main is not train_main:
        own_main(argv[1:])
        return 0
    train_main(module.RECIPE, argv[1:], after=getattr(module, "after", None))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

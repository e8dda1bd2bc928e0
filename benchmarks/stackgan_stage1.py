"""Train StackGAN's Stage-I alone with the recipe's settings, then score its
caption faithfulness: the quick loop for trying a Stage-I change.

    python benchmarks/stackgan_stage1.py OUT --text-encoder runs/stackgan/encoder \
        [any tfgan_zoo.recipes.stackgan flag, e.g. --stage1-size 32 --ngf 16]

OUT/stage1 is a normal, resumable trainer run. The score is the recipe
report's (256 captions per split, the attribute classifier cached in
OUT/classifier); one line per split, and OUT/stage1/faithfulness.json.
(`stackgan_stage2.py` is the same loop for Stage-II.)
"""

import json
import sys
from pathlib import Path


def setup(argv):
    """(out, [(title, Config)] of both stages) from the recipe's flags."""
    from tfgan_zoo.recipes import stackgan
    from tfgan_zoo.recipes import _text2image as recipe

    out = Path(argv[0])
    config, settings = recipe.parse(stackgan.build_parser(), stackgan.RECIPE,
                                    ["--out", str(out), *argv[1:]])
    shared, encoder_dir, text_args = recipe.text_setup(config, settings)
    recipe.train_encoder(config, settings, encoder_dir, text_args)
    return out, stackgan.phases(config, settings, shared)


def score(model, columns, out, run_dir):
    """Score each (title, draw) column like the recipe report, print one line
    per column and split, and write run_dir/faithfulness.json."""
    from tfgan_zoo.evaluation import faithfulness as fm

    scores = fm.score_columns(model, columns, Path(out) / "classifier")
    (Path(run_dir) / "faithfulness.json").write_text(json.dumps(scores, indent=2))
    for title, column in scores.items():
        for split, s in column.items():
            one, two = s["one_object"]["generated"], s["two_objects"]["generated"]
            print(f"{title} {split}: all {s['generated']['all']:.2f} | one object: shape "
                  f"{one['shape']:.2f}, colour {one['colour']:.2f}, all {one['all']:.2f} | "
                  f"two objects: all {two['all']:.2f} | real shape {s['real']['shape']:.2f}")
    return scores


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    from tfgan_zoo.training.trainer import train

    out, ((_, stage1), _) = setup(argv)
    score(train(stage1), [("Stage-I", None)], out, stage1.out)


if __name__ == "__main__":
    main()

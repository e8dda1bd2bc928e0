"""Train StackGAN's Stage-I alone with the recipe's settings, then score its
caption faithfulness: the quick loop for trying a Stage-I change.

    python benchmarks/stackgan_stage1.py OUT --text-encoder runs/stackgan/encoder \
        [any tfgan_zoo.recipes.stackgan flag, e.g. --stage1-size 32 --ngf 16]

OUT/stage1 is a normal, resumable trainer run. The score is the recipe
report's (256 captions per split, the attribute classifier cached in
OUT/classifier); one line per split, and OUT/stage1/faithfulness.json.
"""

import json
import sys
from pathlib import Path


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    from tfgan_zoo.recipes import stackgan
    from tfgan_zoo.text import faithfulness as fm
    from tfgan_zoo.text import recipe
    from tfgan_zoo.trainer import train

    out = Path(argv[0])
    config, settings = recipe.parse(stackgan.build_parser(), stackgan.RECIPE,
                                    ["--out", str(out), *argv[1:]])
    shared, encoder_dir, text_args = recipe.text_setup(config, settings)
    recipe.train_encoder(config, settings, encoder_dir, text_args)
    (_, stage1), _ = stackgan.phases(config, settings, shared)
    model = train(stage1)
    scores = fm.score_columns(model, [("Stage-I", None)], out / "classifier")["Stage-I"]
    (out / "stage1" / "faithfulness.json").write_text(json.dumps(scores, indent=2))
    for split, s in scores.items():
        one, two = s["one_object"]["generated"], s["two_objects"]["generated"]
        print(f"{split}: all {s['generated']['all']:.2f} | one object: shape "
              f"{one['shape']:.2f}, colour {one['colour']:.2f}, all {one['all']:.2f} | "
              f"two objects: all {two['all']:.2f} | real shape {s['real']['shape']:.2f}")


if __name__ == "__main__":
    main()

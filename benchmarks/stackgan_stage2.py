"""Train StackGAN's Stage-II alone over a trained Stage-I run, with the
recipe's settings, then score Stage-I and Stage-II caption faithfulness:
the quick loop for trying a Stage-II change.

    python benchmarks/stackgan_stage2.py OUT --stage1-run runs/stackgan/stage1 \
        --text-encoder runs/stackgan/encoder \
        [any tfgan_zoo.recipes.stackgan flag, e.g. --stage2-ngf 64 --d-lr 4e-4]

The Stage-I flags (--ngf, --stage1-size, ...) must be those the Stage-I run
was trained with; Stage-II refuses a mismatch. OUT/stage2 is a normal,
resumable trainer run; the score is written like stackgan_stage1.py's.
"""

import argparse
import dataclasses
import sys
from pathlib import Path

from stackgan_stage1 import score, setup


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--stage1-run", required=True)
    known, rest = parser.parse_known_args(argv)
    if not rest or rest[0].startswith("-"):
        sys.exit(__doc__)
    from tfgan_zoo.recipes import stackgan
    from tfgan_zoo.training.trainer import train

    out, (_, (_, stage2)) = setup(rest)
    stage2 = dataclasses.replace(stage2, model_args={
        **stage2.model_args, "stage1_run": str(Path(known.stage1_run).resolve())})
    model = train(stage2)
    score(model, [("Stage-I", stackgan.stage1_column(model)[0]), ("Stage-II", None)],
          out, stage2.out)


if __name__ == "__main__":
    main()

"""Zhang et al. 2017: StackGAN, text to image, trained from nothing on the
embedded captioned shapes ("a small red circle above a large blue square"),
offline. One command runs three phases, each its own resumable run
directory under --out, then reports what the model learned:

    OUT/encoder/   text encoder: BiGRU + DS-SJE joint embedding   --encoder-steps
    OUT/stage1/    Stage-I at --stage1-size (16 px)               --steps
    OUT/stage2/    Stage-II at 4x that (64 px), Stage-I frozen    --stage2-steps
    OUT/report/    captioned grids (Stage-I | Stage-II), held-out (zero-shot)
                   captions, caption interpolation, every colour and shape
                   (shapes.png), faithfulness.json
    OUT/models/    SavedModel (string `text` in, uint8 `images` out, for TF
                   Serving) and a TFLite generator taking a text embedding

Stage-II trains 12,000 steps at constant learning rates (one-object shape
0.990 / 0.919 on two seeds at 12,000 against 0.879 / 0.859 at 10,000);
`--stage2-decay-after F` makes them fall linearly to 0 after that fraction
of `--stage2-steps` (6,000 steps decaying after 0.6 drew one-object shapes
right 0.77 of the time). Stage-II samples, reports and exports an
exponential moving average of its generator's weights
(`--stage2-ema-decay 0.999`, its batch norm re-estimated on training
captions before each checkpoint; 0 gives the raw generator, and resumes a
run saved before 2026-12-05): over two seeds it read one-object shape
0.76 / 0.83 at 10,000 steps where the raw generator read 0.77 / 0.71, and
swung less over the last 3,000 steps, for no measurable CPU. Both stages
train without XLA (`--jit-compile on` gives it back: the same function,
51-64 % more CPU a Stage-II step in bfloat16 on an AMX CPU, 15-19 % more in
float32 capped to AVX2) and compute their up blocks as sub-pixel
convolutions (`--subpixel false` for the two-op form: the same function,
9-17 % more CPU a Stage-II step). The whole run took 22.8 min (37.6
CPU-min) on a 2-core Zen 4 EPYC in bfloat16; at 10,000 steps it took
17.8-18.1 min there and about 16-17 min on a 2-core AMX Xeon. A 2-core
AVX2-only CPU, in float32, is estimated at 28-31 min. Timing and what it
learned: benchmarks/RESULTS.md, "StackGAN at 12,000 Stage-II steps" and
"StackGAN on the EPYC".

`--stage1-size 64` gives the paper's 64 -> 256 (much slower on a CPU).
`--text-encoder DIR` reuses a trained encoder and skips phase 1;
`--sentence-encoder DIR` uses a pretrained sentence model (all-MiniLM-L6-v2)
instead. Model flags (--ngf, --ndf, --film, --discriminator,
--auxiliary-weight, ...) set Stage-I; --stage2-ngf, --stage2-ndf,
--stage2-film, --stage2-discriminator and --stage2-auxiliary-weight set
Stage-II. Stage-I is the paper's; Stage-II by default adds text-modulated
up blocks (FiLM), a projection discriminator and TAC-GAN's auxiliary
attribute classifier, which together made its shapes follow the caption
(benchmarks/RESULTS.md, "StackGAN: the default run"; the tries in
benchmarks/history/stackgan.md); `--no-stage2-film --stage2-discriminator matching
--stage2-auxiliary-weight 0` is the paper's Stage-II.
`--dataset captions:DIR --data-dir IMAGES` trains on CUB-200 / Oxford-102.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from tfgan_zoo.cli import positive_int
from tfgan_zoo.config import Config
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.text2image.stackgan import DISCRIMINATORS
from tfgan_zoo.optimizers import decay_fraction
from tfgan_zoo.recipes import _text2image as recipe

# Sizes chosen for a CPU: the paper uses N_g = N_d = 128, z of 100 and
# 1024-wide Stage-I maps; the embedded shapes need far less.
SHARED = {"latent_dim": 32, "condition_dim": 32, "discriminator_condition_dim": 32,
          "embedding_dim": 64, "word_dim": 32, "text_hidden": 64, "kl_weight": 1.0,
          "residual_blocks": 2, "mismatch": "contrast", "subpixel": True}
# No XLA: without it (oneDNN's own kernels) a Stage-II step took 126-128
# instead of 194-206 CPU-ms in bfloat16 on an AMX Xeon and 202-205 instead
# of 233-244 in the AVX2/float32 proxy, a Stage-I step 60 instead of 87 and
# 92 instead of 98 (benchmarks/RESULTS.md, "StackGAN: the default run",
# Time). `--jit-compile on` gives XLA back.
RECIPE = Config(recipe="stackgan", model="stackgan", image_size=16,
                **{**recipe.SHAPES, "jit_compile": False},
                model_args={**SHARED, "ngf": 32, "ndf": 32})
# None: Stage-II's learning rates stay constant (the paper's). 6,000 steps
# decaying after 0.6 ran in 31 CPU-min but drew one-object shapes right
# only 0.77 of the time (10,000 constant steps: 0.95 on 2026-11-30);
# benchmarks/history/stackgan.md, "StackGAN: time, 2026-12-05 06:14".
STAGE2_DECAY_AFTER = None
# Stage-II samples, reports and exports an EMA of its generator's weights
# (the core's `ema_decay`; 0 / None is the paper's raw generator). Over the
# same two runs (seeds 0 and 1) the EMA read one-object shape 0.758 / 0.828
# at 10,000 steps against the raw G's 0.768 / 0.707, `all` 0.312 / 0.367
# against 0.309 / 0.305, and held steadier over the last 3,000 steps;
# benchmarks/RESULTS.md, "StackGAN: the default run".
STAGE2_EMA_DECAY = 0.999
STAGE2 = {"stage2_steps": 12000, "stage2_batch_size": 32, "stage2_ngf": 32, "stage2_ndf": 16,
          "stage2_film": True, "stage2_discriminator": "projection",
          "stage2_auxiliary_weight": None, "stage2_decay_after": STAGE2_DECAY_AFTER,
          "stage2_ema_decay": STAGE2_EMA_DECAY}


def fraction_or_none(text):
    """--stage2-decay-after: a fraction of the run in [0, 1), or none."""
    if text.lower() == "none":
        return None
    try:
        return decay_fraction(float(text))
    except (ValueError, UserError):
        raise argparse.ArgumentTypeError(
            f"expected a fraction of the run in [0, 1) or none, got {text!r}") from None


def build_parser():
    def add_flags(group):
        group.add_argument("--stage1-size", type=positive_int, default=None,
                           help="Stage-I image size, Stage-II is 4x (same as --image-size; "
                                "default 16, the paper's 64)")
        for name, text in (("stage2_steps", "Stage-II steps"),
                           ("stage2_batch_size", "Stage-II batch size"),
                           ("stage2_ngf", "Stage-II generator width"),
                           ("stage2_ndf", "Stage-II discriminator width")):
            group.add_argument("--" + name.replace("_", "-"), type=positive_int,
                               default=STAGE2[name], help=text)
        group.add_argument("--stage2-film", action=argparse.BooleanOptionalAction,
                           default=STAGE2["stage2_film"],
                           help="Stage-II's up blocks take batch-norm scale and shift from "
                                "the text code (FiLM)")
        group.add_argument("--stage2-discriminator", choices=DISCRIMINATORS,
                           default=STAGE2["stage2_discriminator"],
                           help="Stage-II's discriminator (matching is the paper's)")
        group.add_argument("--stage2-decay-after", type=fraction_or_none,
                           metavar="FRACTION|none", default=STAGE2["stage2_decay_after"],
                           help="Stage-II's learning rates fall linearly to 0 after this "
                                "fraction of --stage2-steps; none keeps them constant "
                                "(the paper's)")
        group.add_argument("--stage2-ema-decay", type=float, metavar="DECAY",
                           default=STAGE2["stage2_ema_decay"],
                           help="Stage-II samples, reports and exports an exponential moving "
                                "average of its generator's weights with this decay (e.g. "
                                "0.999); 0 turns it off (the paper's; a run saved without it "
                                "resumes with 0). --ema-decay sets Stage-I's")
        group.add_argument("--stage2-auxiliary-weight", type=float,
                           default=STAGE2["stage2_auxiliary_weight"],
                           help="Stage-II's auxiliary attribute classifier weight (default 1 "
                                "on shapes_captions, which has the labels; 0 elsewhere)")

    return recipe.build_parser(
        RECIPE, "StackGAN in three phases: text encoder, Stage-I, Stage-II (4x Stage-I), "
        "then captioned grids, faithfulness and exports. --steps is Stage-I's; every "
        "default below can be overridden.", add_flags)


def phases(config, settings, shared):
    """[(title, Config)] of Stage-I and Stage-II."""
    if settings.get("stage1_size"):
        config = dataclasses.replace(config, image_size=settings["stage1_size"])
    out = Path(config.out)
    auxiliary = settings["stage2_auxiliary_weight"]
    if auxiliary is None:  # only the embedded shapes carry attribute labels
        auxiliary = 1.0 if config.dataset.startswith("shapes_captions") else 0.0
    stage1 = dataclasses.replace(config, out=str(out / "stage1"),
                                 model_args={**shared, "stage": 1})
    stage2 = dataclasses.replace(
        config, out=str(out / "stage2"), image_size=shared["upscale"] * config.image_size,
        steps=settings["stage2_steps"], batch_size=settings["stage2_batch_size"],
        model_args={**shared, "stage": 2, "stage1_run": stage1.out,
                    "stage1_ngf": shared["ngf"], "ngf": settings["stage2_ngf"],
                    "ndf": settings["stage2_ndf"], "stage1_film": shared["film"],
                    "film": settings["stage2_film"],
                    "discriminator": settings["stage2_discriminator"],
                    "auxiliary_weight": auxiliary,
                    "decay_after": settings["stage2_decay_after"],
                    "ema_decay": settings["stage2_ema_decay"] or None})
    return [(f"Stage-I at {stage1.image_size}px", stage1),
            (f"Stage-II at {stage2.image_size}px over the frozen Stage-I", stage2)]


def stage1_column(model):
    """Stage-I's image beside Stage-II's in the report."""
    def draw(text, seed):
        return model.sample_stage1(4 if isinstance(text, str) else len(text), seed=seed,
                                   text=text)
    return draw, f"Stage-I {model.image_shape[0] // model.upscale}px"


def main(argv=None):
    return recipe.run(build_parser(), RECIPE, phases, argv, name="stackgan",
                      before=stage1_column)


if __name__ == "__main__":
    main()

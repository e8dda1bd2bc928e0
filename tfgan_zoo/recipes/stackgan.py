"""Zhang et al. 2017: StackGAN, text to image, trained from nothing on the
embedded captioned shapes ("a small red circle above a large blue square"),
offline. One command runs three phases, each its own resumable run
directory under --out, then reports what the model learned:

    OUT/encoder/   text encoder: BiGRU + DS-SJE joint embedding   --encoder-steps
    OUT/stage1/    Stage-I at --stage1-size (16 px)               --steps
    OUT/stage2/    Stage-II at 4x that (64 px), Stage-I frozen    --stage2-steps
    OUT/report/    captioned sample grids (Stage-I | Stage-II), held-out
                   (zero-shot) captions, caption interpolation, faithfulness.json
    OUT/models/    SavedModel (string `text` in, uint8 `images` out, for TF
                   Serving) and a TFLite generator taking a text embedding

`--stage1-size 64` gives the paper's 64 -> 256 (much slower on a CPU).
`--text-encoder DIR` reuses a trained encoder and skips phase 1. Model flags
(--ngf, --ndf, ...) set Stage-I; --stage2-ngf / --stage2-ndf set Stage-II.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from tfgan_zoo.config import Config

# Sizes chosen for a CPU: the paper uses N_g = N_d = 128, z of 100 and
# 1024-wide Stage-I maps; the embedded shapes need far less.
SHARED = {"latent_dim": 32, "condition_dim": 32, "discriminator_condition_dim": 32,
          "embedding_dim": 64, "word_dim": 32, "text_hidden": 64, "kl_weight": 1.0}
RECIPE = Config(recipe="stackgan", model="stackgan", dataset="shapes_captions",
                image_size=16, steps=2000, batch_size=64, g_lr=2e-4, d_lr=2e-4,
                beta_1=0.5, jit_compile=True, sample_every=500, checkpoint_every=500,
                num_samples=64, epoch_steps=100,
                model_args={**SHARED, "ngf": 32, "ndf": 32, "residual_blocks": 2})
PHASES = {"encoder_steps": 600, "encoder_image_size": 32, "encoder_lr": 1e-3,
          "stage2_steps": 2000, "stage2_batch_size": 32, "stage2_ngf": 32,
          "stage2_ndf": 16}
# Set by the recipe for each phase, not by hand.
INTERNAL = ("stage", "stage1_run", "stage1_ngf", "vocabulary", "sample_captions",
            "max_length")


def build_parser():
    from tfgan_zoo.config import build_parser as config_parser, positive_int
    parser = config_parser(RECIPE)
    parser.description = (
        "StackGAN, three phases: text encoder, Stage-I, Stage-II (4x Stage-I), "
        "then captioned grids, faithfulness and exports. Every default below can be "
        "overridden; --steps is Stage-I's.")
    for action in parser._actions:
        if action.dest.split(".", 1)[-1] in INTERNAL and action.dest.startswith("model."):
            action.help = argparse.SUPPRESS
        if action.dest == "model.text_encoder":
            action.help = "reuse this trained text encoder directory (skips phase 1)"
            action.metavar = "DIR"
    phases = parser.add_argument_group("phases")
    phases.add_argument("--stage1-size", type=positive_int, default=None,
                        help="Stage-I image size; Stage-II is 4x (same as --image-size; "
                             "default 16, the paper 64)")
    phases.add_argument("--encoder-steps", type=positive_int,
                        default=PHASES["encoder_steps"], help="text encoder steps")
    phases.add_argument("--encoder-image-size", type=positive_int,
                        default=PHASES["encoder_image_size"],
                        help="image size the joint embedding's image encoder sees")
    phases.add_argument("--encoder-lr", type=float, default=PHASES["encoder_lr"],
                        help="text encoder learning rate")
    phases.add_argument("--stage2-steps", type=positive_int,
                        default=PHASES["stage2_steps"], help="Stage-II steps")
    phases.add_argument("--stage2-batch-size", type=positive_int,
                        default=PHASES["stage2_batch_size"], help="Stage-II batch size")
    phases.add_argument("--stage2-ngf", type=positive_int, default=PHASES["stage2_ngf"],
                        help="Stage-II generator width")
    phases.add_argument("--stage2-ndf", type=positive_int, default=PHASES["stage2_ndf"],
                        help="Stage-II discriminator width")
    phases.add_argument("--evaluate", action=argparse.BooleanOptionalAction, default=True,
                        help="measure caption faithfulness with an attribute classifier "
                             "(embedded shapes only)")
    return parser


def parse(argv=None):
    """(Config of the run, phase settings)."""
    args = vars(build_parser().parse_args(sys.argv[1:] if argv is None else argv))
    phases = {k: args.pop(k) for k in list(args) if k in (
        "stage1_size", "encoder_steps", "encoder_image_size", "encoder_lr", "text_encoder",
        "stage2_steps", "stage2_batch_size", "stage2_ngf", "stage2_ndf", "evaluate")}
    model_args = {k.split(".", 1)[1]: v for k, v in args.items()
                  if k.startswith("model.") and k.split(".", 1)[1] not in INTERNAL}
    phases["text_encoder"] = model_args.pop("text_encoder")
    fields = {k: v for k, v in args.items() if not k.startswith("model.")}
    if phases["stage1_size"]:
        fields["image_size"] = phases["stage1_size"]
    config = dataclasses.replace(RECIPE, model_args=model_args, **fields)
    return config, phases


def dataset_vocabulary(config):
    """(vocabulary, sample captions) of the run's captioned dataset."""
    from tfgan_zoo.text import shapes
    name = config.dataset
    if name.startswith("shapes_captions"):
        return shapes.VOCABULARY, shapes.example_captions(8)
    if name.startswith("captions:"):
        from tfgan_zoo.text import cub
        return cub.vocabulary_and_examples(name.split(":", 1)[1], config.data_dir)
    from tfgan_zoo.errors import UserError
    raise UserError(f"StackGAN needs a captioned dataset, got '{name}': use "
                    "shapes_captions or captions:DIR (CUB-200 / Oxford-102 layout)")


def phase_configs(config, phases):
    """The Config of Stage-I and of Stage-II, and the encoder settings."""
    from tfgan_zoo.text import encoder
    out = Path(config.out).resolve()
    vocabulary, examples = dataset_vocabulary(config)
    text_args = {"vocabulary": list(vocabulary), "max_length": 16,
                 "word_dim": config.model_args["word_dim"],
                 "text_hidden": config.model_args["text_hidden"],
                 "embedding_dim": config.model_args["embedding_dim"]}
    encoder_dir = Path(phases["text_encoder"] or out / "encoder").resolve()
    if phases["text_encoder"]:
        text_args = {k: v for k, v in encoder.model_args(encoder_dir).items()
                     if k != "text_encoder"}
    shared = {**config.model_args, **text_args, "sample_captions": list(examples),
              "text_encoder": str(encoder_dir)}
    stage1 = dataclasses.replace(config, out=str(out / "stage1"),
                                 model_args={**shared, "stage": 1})
    stage2 = dataclasses.replace(
        config, out=str(out / "stage2"), image_size=4 * config.image_size,
        steps=phases["stage2_steps"], batch_size=phases["stage2_batch_size"],
        model_args={**shared, "stage": 2, "stage1_run": str(out / "stage1"),
                    "stage1_ngf": config.model_args["ngf"], "ngf": phases["stage2_ngf"],
                    "ndf": phases["stage2_ndf"]})
    return stage1, stage2, encoder_dir, text_args


def report(model, config, phases, out):
    """Captioned grids, interpolation, faithfulness and exports."""
    import numpy as np
    from tfgan_zoo.export import serving
    from tfgan_zoo.text import faithfulness as fm
    from tfgan_zoo.text import shapes
    from tfgan_zoo.text.grid import captioned_grid

    folder = out / "report"
    shapes_data = config.dataset.startswith("shapes_captions")
    sets = {"captions": list(model.sample_captions)}
    if shapes_data:
        sets = {"captions": shapes.example_captions(10, "test"),
                "heldout": shapes.example_captions(10, "heldout")}
    low, high = model.image_shape[0] // 4, model.image_shape[0]
    for name, captions in sets.items():
        rows = []
        for i, caption in enumerate(captions):
            stage1 = model.sample_stage1(4, seed=i, text=caption)
            stage2 = model.sample(4, seed=i, text=caption)
            rows.append(list(stage1[:1]) + list(stage2))
        captioned_grid(rows, captions, folder / f"{name}.png",
                       headers=[f"Stage-I {low}px", f"Stage-II {high}px, 4 noise draws"])
        print(f"  {folder / f'{name}.png'}: {len(captions)} "
              f"{'held-out (zero-shot) ' if name == 'heldout' else ''}captions")
    pairs = list(zip(sets["captions"][0::2], sets["captions"][1::2]))[:4]
    rows = [model.interpolate_captions(a, b, steps=6, seed=3) for a, b in pairs]
    captioned_grid(rows, [f"{a} -> {b}" for a, b in pairs], folder / "interpolation.png")
    print(f"  {folder / 'interpolation.png'}: caption interpolation (GAN-INT)")

    if phases["evaluate"] and shapes_data:
        print("Measuring caption faithfulness with an attribute classifier ...")
        scores = {}
        for size, stage in ((low, "stage1"), (high, "stage2")):
            classifier = fm.train_attribute_classifier(
                size, out / "classifier" / f"attributes-{size}.weights.h5")
            gen = (lambda caps, seed: model.sample_stage1(len(caps), seed=seed, text=caps)) \
                if stage == "stage1" else None
            scores[stage] = {split: fm.faithfulness(model, classifier, split, generate=gen)
                             for split in ("test", "heldout")}
            for split, s in scores[stage].items():
                print(f"  {stage} {size}px {split:8s} all attributes right: generated "
                      f"{s['generated']['all']:.2f}  real {s['real']['all']:.2f}  "
                      f"shuffled captions {s['shuffled']['all']:.2f}")
        (folder / "faithfulness.json").write_text(json.dumps(scores, indent=2))

    if config.export:
        result = serving.export_model(model, out / "models", name="stackgan",
                                      quantize=("none",), config=config,
                                      version=None, latency_runs=5, measure_inputs=4)
        print(f"  SavedModel (text -> uint8 images): {result.saved_model}")
        print(f"  TFLite (embedding -> images): {result.tflite['float32']}")


def main(argv=None):
    from tfgan_zoo.errors import UserError
    from tfgan_zoo.text import encoder
    from tfgan_zoo.trainer import train

    started = time.time()

    def elapsed():
        return f"{(time.time() - started) / 60:.1f} min"

    try:
        config, phases = parse(argv)
        stage1, stage2, encoder_dir, text_args = phase_configs(config, phases)
        out = Path(config.out)
        if not phases["text_encoder"]:
            print(f"[1/3] Text encoder (BiGRU, DS-SJE) -> {encoder_dir}", flush=True)
            encoder.train_text_encoder(
                encoder_dir, dataset=config.dataset, data_dir=config.data_dir,
                image_size=phases["encoder_image_size"], steps=phases["encoder_steps"],
                batch_size=config.batch_size, learning_rate=phases["encoder_lr"],
                seed=config.seed, **text_args)
        print(f"[2/3] Stage-I at {stage1.image_size}px -> {stage1.out} ({elapsed()})",
              flush=True)
        train(stage1)
        print(f"[3/3] Stage-II at {stage2.image_size}px -> {stage2.out} ({elapsed()})",
              flush=True)
        model = train(stage2)
        if config.report:
            print(f"Report ({elapsed()}):")
            report(model, config, phases, out)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    print(f"Done in {elapsed()}: {config.out}")
    return model


if __name__ == "__main__":
    main()

"""What the text-to-image recipes share.

A text-to-image recipe first trains the text encoder (unless
`--text-encoder DIR` names a trained one, or `--sentence-encoder DIR` a
pretrained sentence model, `tfgan_zoo.text.sentence`), then its GAN phase(s) with the
shared trainer, each in its own run directory under --out, then reports:

    OUT/encoder/      the text encoder (tfgan_zoo.text.encoder)
    OUT/<phase>/      one trainer run directory per GAN phase (with its own
                      SavedModel in export/ only under --no-report)
    OUT/report/       captioned grids (captions.png, heldout.png), caption
                      interpolation, on the shapes every colour and shape
                      (shapes.png), faithfulness.json
    OUT/models/       SavedModel (string `text` in, uint8 `images` out) and a
                      TFLite generator taking the caption embedding
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from tfgan_zoo.checks import check_values
from tfgan_zoo.cli import fail, positive_int
from tfgan_zoo.config import build_parser as config_parser
from tfgan_zoo.config import check_out
from tfgan_zoo.data import captions, shapes
from tfgan_zoo.errors import UserError
from tfgan_zoo.reports.text2image import report
from tfgan_zoo.rundir.run import RunLock
from tfgan_zoo.text import encoder, sentence
from tfgan_zoo.training.text_encoder import train_text_encoder
from tfgan_zoo.training.trainer import train

# Model arguments the recipe sets for each phase, not flags.
INTERNAL = ("stage", "stage1_run", "stage1_ngf", "stage1_film", "vocabulary",
            "sample_captions", "max_length")
# What the text recipes on the captioned shapes share; each names only what
# differs (its model, size and widths).
SHAPES = dict(dataset="shapes_captions", steps=2000, batch_size=64, g_lr=2e-4, d_lr=2e-4,
              beta_1=0.5, jit_compile=True, sample_every=500, checkpoint_every=500,
              num_samples=64, epoch_steps=100)
# The widths GAN-INT-CLS and GAWWN share on the captioned shapes (the papers'
# are larger: z of 100, 1024-wide text embeddings, 64/128 filters).
WIDTHS = {"latent_dim": 32, "condition_dim": 32, "embedding_dim": 64, "word_dim": 32,
          "text_hidden": 64, "ngf": 32, "ndf": 32}
ENCODER_PHASE = {"encoder_steps": 600, "encoder_image_size": 32, "encoder_lr": 1e-3}


def build_parser(recipe, description, add_flags=None):
    """The recipe's parser: run and model flags (tfgan_zoo.config), the
    text encoder phase's flags, --evaluate, and the recipe's own."""
    parser = config_parser(recipe)
    parser.description = description
    for action in parser._actions:
        if action.dest.startswith("model.") and action.dest[6:] in INTERNAL:
            action.help = argparse.SUPPRESS
        if action.dest == "model.text_encoder":
            action.help = "reuse this trained text encoder directory (skips phase 1)"
            action.metavar = "DIR"
        if action.dest == "model.sentence_encoder":
            action.help = ("use this pretrained sentence model folder (BERT family, e.g. "
                           "all-MiniLM-L6-v2) as the frozen text encoder (skips phase 1)")
            action.metavar = "DIR"
    phases = parser.add_argument_group("phases")
    phases.add_argument("--encoder-steps", type=positive_int,
                        default=ENCODER_PHASE["encoder_steps"], help="text encoder steps")
    phases.add_argument("--encoder-image-size", type=positive_int,
                        default=ENCODER_PHASE["encoder_image_size"],
                        help="image size the joint embedding's image encoder sees")
    phases.add_argument("--encoder-lr", type=float, default=ENCODER_PHASE["encoder_lr"],
                        help="text encoder learning rate")
    phases.add_argument("--quick", type=positive_int, metavar="STEPS", default=None,
                        help="a quick look: at most STEPS steps in EVERY phase (the text "
                             "encoder and each GAN phase; --steps bounds only the first "
                             "GAN phase)")
    phases.add_argument("--evaluate", action=argparse.BooleanOptionalAction, default=True,
                        help="measure caption faithfulness with an attribute classifier "
                             "(embedded shapes only)")
    if add_flags is not None:
        add_flags(phases)
    return parser


def parse(parser, recipe, argv=None):
    """(Config of the run, phase settings) from the command line."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = vars(parser.parse_args(argv))
    if (args.get("model.mismatch") == "contrast"
            and not args["dataset"].startswith("shapes_captions")
            and not any(a.startswith("--mismatch") for a in argv)):
        # The recipe's default needs the shapes' contrast captions; other
        # datasets get the papers' random wrong text.
        args["model.mismatch"] = "random"
    fields = {f.name for f in dataclasses.fields(recipe)}
    model_args = {k[6:]: v for k, v in args.items()
                  if k.startswith("model.") and k[6:] not in INTERNAL}
    phases = {k: v for k, v in args.items() if not k.startswith("model.") and k not in fields}
    check_values(phases, {k: parser.get_default(k) for k in phases})
    phases["text_encoder"] = model_args.pop("text_encoder", None)
    config = dataclasses.replace(recipe, model_args=model_args,
                                 **{k: v for k, v in args.items() if k in fields})
    return config, phases


def dataset_vocabulary(config):
    """(vocabulary, sample captions) of the run's captioned dataset."""
    name = config.dataset
    if name.startswith("shapes_captions"):
        return shapes.VOCABULARY, shapes.example_captions(8)
    if name.startswith("captions:"):
        return captions.vocabulary_and_examples(name.split(":", 1)[1], config.data_dir)
    raise UserError(f"text-to-image recipes need a captioned dataset, got '{name}': use "
                    "shapes_captions or captions:DIR (CUB-200 / Oxford-102 layout)")


def text_setup(config, phases):
    """(model arguments every phase shares, the trained encoder's directory
    or None with a pretrained sentence model, the encoder's own arguments)."""
    out = Path(config.out)
    vocabulary, examples = dataset_vocabulary(config)
    max_length = 16 if config.dataset.startswith("shapes_captions") else 24
    text_args = {"vocabulary": list(vocabulary), "max_length": max_length,
                 **{k: config.model_args[k] for k in ("word_dim", "text_hidden",
                                                      "embedding_dim")}}
    sentence_model, encoder_dir = config.model_args.get("sentence_encoder"), None
    if sentence_model:  # a pretrained sentence model replaces the trained encoder
        if phases["text_encoder"]:
            raise UserError("--text-encoder and --sentence-encoder both name a text "
                            "encoder: pass one of them")
        sentence_model = str(Path(sentence_model).resolve())
        text_args["embedding_dim"] = sentence.embedding_size(sentence_model)
    else:
        encoder_dir = Path(phases["text_encoder"] or out / "encoder").resolve()
        if phases["text_encoder"]:
            text_args = {k: v for k, v in encoder.model_args(encoder_dir).items()
                         if k != "text_encoder"}
    shared = {**config.model_args, **text_args, "sample_captions": list(examples),
              "text_encoder": encoder_dir and str(encoder_dir),
              "sentence_encoder": sentence_model}
    return shared, encoder_dir, text_args


def train_encoder(config, phases, encoder_dir, text_args):
    if encoder_dir is None:
        return  # a pretrained sentence model: nothing to train
    if phases["text_encoder"]:
        print(f"Reusing the text encoder in {encoder_dir}")
        return
    train_text_encoder(
        encoder_dir, dataset=config.dataset, data_dir=config.data_dir,
        image_size=phases["encoder_image_size"], steps=phases["encoder_steps"],
        batch_size=config.batch_size, learning_rate=phases["encoder_lr"],
        seed=config.seed, **text_args)


def gan_phase(title):
    """The `phases` of a recipe with one GAN phase, trained in OUT/gan."""
    def phases(config, settings, shared):
        gan = dataclasses.replace(config, out=str(Path(config.out) / "gan"),
                                  model_args=shared)
        return [(f"{title} at {gan.image_size}px", gan)]
    return phases


def one_gan_recipe(recipe, title, grids="captioned grids", before=None):
    """(build_parser, main) of a recipe with one GAN phase after the text
    encoder (GAN-INT-CLS, GAWWN, semantic synthesis)."""
    def parser():
        return build_parser(recipe, f"{title} in two phases: text encoder, then the GAN; "
                            f"then {grids}, faithfulness and exports. Every default below "
                            "can be overridden.")

    def main(argv=None):
        return run(parser(), recipe, gan_phase(title), argv, name=recipe.recipe,
                   before=before)
    return parser, main


def run(parser, recipe, phases_fn, argv=None, name=None, before=None):
    """Parse, train the encoder, train each (title, Config) of
    `phases_fn(config, phases, shared)` with the shared trainer, report."""
    started, cpu = time.time(), time.process_time()

    def elapsed():  # wall time, and CPU time summed over threads
        return (f"{(time.time() - started) / 60:.1f} min, "
                f"{(time.process_time() - cpu) / 60:.1f} CPU-min")

    try:
        config, phases = parse(parser, recipe, argv)
        check_out(config.out)
        with RunLock(config.out):
            model = run_phases(config, phases, phases_fn, name, before, elapsed)
    except UserError as e:
        fail(e)
    print(f"Done in {elapsed()}: {config.out}")
    return model


def bound_phases(phases):
    """The phase settings with `--quick N` applied to every `*_steps`
    setting (the text encoder's, Stage-II's, ...)."""
    quick = phases.get("quick")
    if not quick:
        return phases
    return {k: min(v, quick) if k.endswith("_steps") and isinstance(v, int) else v
            for k, v in phases.items()}


def bound_gan_phases(gan_phases, quick):
    """[(title, Config)] with each phase's steps at most `quick` (if set)."""
    if not quick:
        return gan_phases
    return [(title, dataclasses.replace(phase, steps=min(phase.steps, quick)))
            for title, phase in gan_phases]


def run_phases(config, phases, phases_fn, name, before, elapsed):
    """Train the encoder and each GAN phase, then report; returns the last
    phase's model."""
    phases = bound_phases(phases)
    shared, encoder_dir, text_args = text_setup(config, phases)
    gan_phases = bound_gan_phases(phases_fn(config, phases, shared), phases.get("quick"))
    total = len(gan_phases) + 1
    if encoder_dir is None:
        print(f"[1/{total}] Text encoder: the pretrained sentence model "
              f"{shared['sentence_encoder']} (frozen, not trained)", flush=True)
    else:
        print(f"[1/{total}] Text encoder (BiGRU, DS-SJE) -> {encoder_dir}", flush=True)
    train_encoder(config, phases, encoder_dir, text_args)
    model = None
    for i, (title, phase) in enumerate(gan_phases, start=2):
        print(f"[{i}/{total}] {title} -> {phase.out} ({elapsed()})", flush=True)
        if config.report:  # the report exports the final model to OUT/models
            phase = dataclasses.replace(phase, export=False)
        model = train(phase)
    if config.report:
        print(f"Report ({elapsed()}):")
        draw = before(model) if before else None
        report(model, config, phases, Path(config.out), name or config.recipe,
               before=draw[0] if draw else None, before_title=draw[1] if draw else None)
    return model

"""What the text-to-image recipes share.

A text-to-image recipe first trains the text encoder (unless
`--text-encoder DIR` names a trained one, or `--sentence-encoder DIR` a
pretrained sentence model, `tfgan_zoo.text.sentence`), then its GAN phase(s) with the
shared trainer, each in its own run directory under --out, then reports:

    OUT/encoder/      the text encoder (tfgan_zoo.text.encoder)
    OUT/<phase>/      one trainer run directory per GAN phase
    OUT/report/       captioned grids (captions.png, heldout.png), caption
                      interpolation, on the shapes every colour and shape
                      (shapes.png), faithfulness.json
    OUT/models/       SavedModel (string `text` in, uint8 `images` out) and a
                      TFLite generator taking the caption embedding
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from tfgan_zoo.errors import UserError

# Model arguments the recipe sets for each phase, not flags.
INTERNAL = ("stage", "stage1_run", "stage1_ngf", "stage1_film", "vocabulary",
            "sample_captions", "max_length")
ENCODER_PHASE = {"encoder_steps": 600, "encoder_image_size": 32, "encoder_lr": 1e-3}


def build_parser(recipe, description, add_flags=None):
    """The recipe's parser: run and model flags (tfgan_zoo.config), the
    text encoder phase's flags, --evaluate, and the recipe's own."""
    from tfgan_zoo.config import build_parser as config_parser, positive_int
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
    phases["text_encoder"] = model_args.pop("text_encoder", None)
    config = dataclasses.replace(recipe, model_args=model_args,
                                 **{k: v for k, v in args.items() if k in fields})
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
    raise UserError(f"text-to-image recipes need a captioned dataset, got '{name}': use "
                    "shapes_captions or captions:DIR (CUB-200 / Oxford-102 layout)")


def text_setup(config, phases):
    """(model arguments every phase shares, the trained encoder's directory
    or None with a pretrained sentence model, the encoder's own arguments)."""
    from tfgan_zoo.text import encoder
    out = Path(config.out).resolve()
    vocabulary, examples = dataset_vocabulary(config)
    max_length = 16 if config.dataset.startswith("shapes_captions") else 24
    text_args = {"vocabulary": list(vocabulary), "max_length": max_length,
                 **{k: config.model_args[k] for k in ("word_dim", "text_hidden",
                                                      "embedding_dim")}}
    sentence_model, encoder_dir = config.model_args.get("sentence_encoder"), None
    if sentence_model:  # a pretrained sentence model replaces the trained encoder
        from tfgan_zoo.text import sentence
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
    from tfgan_zoo.text import encoder
    if encoder_dir is None:
        return  # a pretrained sentence model: nothing to train
    if phases["text_encoder"]:
        print(f"Reusing the text encoder in {encoder_dir}")
        return
    encoder.train_text_encoder(
        encoder_dir, dataset=config.dataset, data_dir=config.data_dir,
        image_size=phases["encoder_image_size"], steps=phases["encoder_steps"],
        batch_size=config.batch_size, learning_rate=phases["encoder_lr"],
        seed=config.seed, **text_args)


def report(model, config, phases, out, name, before=None, before_title=None):
    """Captioned grids, caption interpolation, faithfulness and exports of
    the final `model`. `before(captions, seed)` draws an extra first column
    (StackGAN: Stage-I's image) titled `before_title`."""
    from tfgan_zoo.export import serving
    from tfgan_zoo.text import faithfulness as fm
    from tfgan_zoo.text import shapes
    from tfgan_zoo.text.grid import captioned_grid, shape_grid

    folder = out / "report"
    on_shapes = config.dataset.startswith("shapes_captions")
    sets = {"captions": list(model.sample_captions)}
    if on_shapes:
        sets = {"captions": shapes.example_captions(10, "test"),
                "heldout": shapes.example_captions(10, "heldout")}
    size = model.image_shape[0]
    drawn = "4 noise draws" if model.latent_dim else "4 source images edited to it"
    headers = ([before_title] if before else []) + [f"{size}px, {drawn}"]
    for kind, captions in sets.items():
        rows = []
        for i, caption in enumerate(captions):
            row = list(before(caption, i)[:1]) if before else []
            rows.append(row + list(model.sample(4, seed=i, text=caption)))
        captioned_grid(rows, captions, folder / f"{kind}.png", headers=headers)
        print(f"  {folder / f'{kind}.png'}: {len(captions)} "
              f"{'held-out (zero-shot) ' if kind == 'heldout' else ''}captions")
    pairs = list(zip(sets["captions"][0::2], sets["captions"][1::2]))[:4]
    rows = [model.interpolate_captions(a, b, steps=6, seed=3) for a, b in pairs]
    captioned_grid(rows, [f"{a} -> {b}" for a, b in pairs], folder / "interpolation.png")
    print(f"  {folder / 'interpolation.png'}: caption interpolation (GAN-INT)")
    if on_shapes:
        shape_grid(model, folder / "shapes.png")
        print(f"  {folder / 'shapes.png'}: a large / small <colour> <shape>, every pair")

    if phases.get("evaluate") and on_shapes:
        print("Measuring caption faithfulness with an attribute classifier ...")
        columns = [(f"{name} {size}px", None)]
        if before:  # the first column is scored too (Stage-I; an unedited source)
            columns.insert(0, (before_title, before))
        scores = fm.score_columns(model, columns, out / "classifier")
        for title in scores:
            for split, s in scores[title].items():
                print(f"  {title}, {split} captions: all attributes right for "
                      f"{s['generated']['all']:.2f} (real images {s['real']['all']:.2f}, "
                      f"shuffled captions {s['shuffled']['all']:.2f})")
        table = fm.shape_table(model, fm.cached_classifier(size, out / "classifier"))
        right = fm.pairs_drawn_right(table)
        scores["shapes"] = {"large_draws_read_as": table, **right}
        print(f"  {name} {size}px, \"a large <colour> <shape>\": drawn as that shape in most "
              f"of 32 draws for {right['seen']['right']} of {right['seen']['pairs']} seen "
              f"pairs, {right['heldout']['right']} of {right['heldout']['pairs']} held-out")
        (folder / "faithfulness.json").write_text(json.dumps(scores, indent=2))

    if config.export:
        result = serving.export_model(model, out / "models", name=name, quantize=("none",),
                                      config=config, latency_runs=5, measure_inputs=4)
        print(f"  SavedModel (text -> uint8 images): {result.saved_model}")
        print(f"  TFLite (embedding -> images): {result.tflite['float32']}")


def gan_phase(title):
    """The `phases` of a recipe with one GAN phase, trained in OUT/gan."""
    def phases(config, settings, shared):
        gan = dataclasses.replace(config, out=str(Path(config.out).resolve() / "gan"),
                                  model_args=shared)
        return [(f"{title} at {gan.image_size}px", gan)]
    return phases


def run(parser, recipe, phases_fn, argv=None, name=None, before=None):
    """Parse, train the encoder, train each (title, Config) of
    `phases_fn(config, phases, shared)` with the shared trainer, report."""
    from tfgan_zoo.trainer import train
    started, cpu = time.time(), time.process_time()

    def elapsed():  # wall time, and CPU time summed over threads
        return (f"{(time.time() - started) / 60:.1f} min, "
                f"{(time.process_time() - cpu) / 60:.1f} CPU-min")

    try:
        config, phases = parse(parser, recipe, argv)
        shared, encoder_dir, text_args = text_setup(config, phases)
        gan_phases = phases_fn(config, phases, shared)
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
            model = train(phase)
        if config.report:
            print(f"Report ({elapsed()}):")
            draw = before(model) if before else None
            report(model, config, phases, Path(config.out), name or config.recipe,
                   before=draw[0] if draw else None, before_title=draw[1] if draw else None)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    print(f"Done in {elapsed()}: {config.out}")
    return model

"""What the two-phase domain recipes (ADDA, DTN) share: a first phase that
trains the model's source classifier on the source labels, a second that
trains the model from it with the shared trainer, then the recipe's report.

    OUT/source/      the source classifier (`tfgan_zoo.training.classifier`):
                     ADDA's M_s and C, DTN's f; reused when it exists
    OUT/<model>/     the trainer's run directory (resumable, exported)

`--source-classifier DIR` reuses a trained source classifier and skips the
first phase. `--source-adversarial EPS` (a project option, off: the papers'
source classifiers are plain ones) trains it adversarially, each batch
joined by its FGSM perturbation within EPS, or with
`--source-adversarial-steps K` > 1 a K-step PGD one
(`tfgan_zoo.training.classifier.adversarial_images`).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import keras

from tfgan_zoo.augment import SHAPE_POLICIES, parse_shape_policy
from tfgan_zoo.cli import fail, positive_int, without_flags
from tfgan_zoo.config import build_parser as config_parser
from tfgan_zoo.config import parse_args
from tfgan_zoo.data import load_dataset
from tfgan_zoo.errors import UserError
from tfgan_zoo.registry import build_model
from tfgan_zoo.training.classifier import (MAX_ADVERSARIAL, check_adversarial,
                                           classifier_info, domain_accuracy, fit_classifier,
                                           save_classifier)
from tfgan_zoo.training.trainer import train


def source_augment(text):
    """argparse type: a `shape_augment` policy, checked."""
    try:
        parse_shape_policy(text)
    except UserError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def source_adversarial(text):
    """argparse type: the adversarial training's eps, checked."""
    try:
        return check_adversarial(float(text))[0]
    except (UserError, ValueError) as e:
        raise argparse.ArgumentTypeError(str(e)) from None


# The first phase's flags: (name, type, default where the recipe gives none, help).
SOURCE_FLAGS = (("source_steps", positive_int, None, "source-classifier steps (phase 1)"),
                ("source_batch_size", positive_int, None, "source-classifier batch size"),
                ("source_lr", float, None, "source-classifier Adam learning rate"),
                ("source_augment", source_augment, "",
                 ("label-preserving augmentation of the source images, applied in order: a "
                  f"comma-separated list of {', '.join(SHAPE_POLICIES)} ('' for none)")),
                ("source_adversarial", source_adversarial, 0.0,
                 ("adversarial training of the source classifier (a project option): each "
                  "batch joined by its perturbation within this L-inf eps, in the images' "
                  f"[-1, 1] units, at most {MAX_ADVERSARIAL:g} (0.6 is 0.3 of [0, 1]); 0 "
                  "for none")),
                ("source_adversarial_steps", positive_int, 1,
                 ("with --source-adversarial: 1 for FGSM (Goodfellow et al. 2015), K > 1 "
                  "for K-step PGD (Madry et al. 2018), about K + 1 times a batch's cost")))


def build_parser(recipe, description, source):
    """The recipe's flags (`tfgan_zoo.config`) and the first phase's, with
    defaults from `source` {source_steps, source_batch_size, source_lr,
    and optionally source_augment (none), source_adversarial (0, off),
    source_adversarial_steps (1)}."""
    parser = config_parser(recipe)
    parser.description = description
    for action in parser._actions:
        if action.dest == "model.source_classifier":
            action.help = "reuse this trained source classifier directory (skips phase 1)"
            action.metavar = "DIR"
    group = parser.add_argument_group("phase 1: the source classifier")
    for name, kind, off, text in SOURCE_FLAGS:
        group.add_argument("--" + name.replace("_", "-"), type=kind,
                           default=source.get(name, off), help=text)
    return parser


def parse(parser, recipe, argv):
    """(Config of the run, the first phase's settings)."""
    args = vars(parser.parse_args(argv))  # every flag checked, --help answered
    phase = {name: args[name] for name, *_ in SOURCE_FLAGS}
    names = ["--" + name.replace("_", "-") for name, *_ in SOURCE_FLAGS]
    return parse_args(recipe, without_flags(argv, names)), phase


def check_reused(source, info, phase, argv):
    """A phase-1 flag given on the command line must be what the reused
    classifier in `source` was trained with (its classifier.json; a flag
    it predates counts as off): a reused classifier ignores the flag, so
    a run would silently not be the one asked for."""
    for name, _, off, _ in SOURCE_FLAGS:
        flag = "--" + name.replace("_", "-")
        if not any(arg.partition("=")[0] == flag for arg in argv):
            continue
        saved = info.get(name, off)
        if saved != phase[name]:
            raise UserError(f"{source} was trained with {flag} {saved!r}, not {phase[name]!r}: "
                            f"drop {flag} to reuse it, or give a new --out to train another")


def train_source_classifier(config, phase, directory):
    """Phase 1: the model's `pretrained_networks` trained on the source
    domains' labels with Adam, saved in `directory` with their accuracy on
    the sources' test splits. Seeded like phase 2 (`train`), so that one
    --seed gives one f: unseeded, f's initial weights differed run to run."""
    keras.utils.set_random_seed(config.seed)
    data = load_dataset(config.dataset, batch_size=1, image_size=config.image_size,
                        channels=config.channels)
    model = build_model(config.model, image_shape=data.image_shape,
                        num_classes=data.num_classes, seed=config.seed,
                        **{**data.model_args, **config.model_args})
    encoder, head = model.pretrained_networks()
    encoder.trainable = head.trainable = True
    fit_classifier(encoder, head, model.source_domains, steps=phase["source_steps"],
                   batch_size=phase["source_batch_size"],
                   optimizer=keras.optimizers.Adam(phase["source_lr"]), seed=config.seed,
                   augment=phase["source_augment"], adversarial=phase["source_adversarial"],
                   adversarial_steps=phase["source_adversarial_steps"])
    info = {"model": config.model, "architecture": model.architecture(),
            "domains": list(model.source_domains), **phase,
            "test_accuracy": {d: round(domain_accuracy(encoder, head, d), 4)
                              for d in model.source_domains}}
    save_classifier(directory, encoder, head, info)
    return info


def run(parser, recipe, argv=None, report=None):
    """Parse, train the source classifier (unless it exists or is given),
    train the model from it, and `report(model, config, phase)`."""
    started, cpu = time.time(), time.process_time()

    def elapsed():
        return (f"{(time.time() - started) / 60:.1f} min, "
                f"{(time.process_time() - cpu) / 60:.1f} CPU-min")

    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        config, phase = parse(parser, recipe, argv)
        out = Path(config.out).resolve()
        given = config.model_args.get("source_classifier")
        source = Path(given or out / "source").resolve()
        saved = classifier_info(source)
        if given or saved is not None:
            if saved is None:
                raise UserError(f"{source} holds no trained source classifier: pass the "
                                "OUT/source directory of an earlier run, or omit "
                                "--source-classifier")
            check_reused(source, saved, phase, argv)
            print(f"[1/2] Reusing the source classifier in {source}", flush=True)
        else:
            print(f"[1/2] Source classifier ({phase['source_steps']} steps) -> {source}",
                  flush=True)
            info = train_source_classifier(config, phase, source)
            print(f"      source test accuracy {info['test_accuracy']} ({elapsed()})")
        second = dataclasses.replace(config, out=str(out / config.model),
                                     model_args={**config.model_args,
                                                 "source_classifier": str(source)})
        print(f"[2/2] {config.model} -> {second.out} ({elapsed()})", flush=True)
        model = train(second)
        if config.report and report is not None:
            print(f"Report ({elapsed()}):")
            report(model, second, phase)
    except UserError as e:
        fail(e)  # one line; exit status 2 (128 + N for a run stopped by signal N)
    print(f"Done in {elapsed()}: {config.out}")
    return model

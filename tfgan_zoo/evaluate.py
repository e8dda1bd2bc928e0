"""Evaluate a trained generator, printing the full protocol with every number.

    python -m tfgan_zoo.evaluate RUN_DIR --metrics fid,kid,pr --num-samples 1000
    python -m tfgan_zoo.evaluate path/to/savedmodel --dataset mnist5k --metrics fid
    python -m tfgan_zoo.evaluate RUN_DIR --metrics fid,pr --seeds 0,1,2

With --seeds, each seed is one draw of z and labels, evaluated and written as
with --seed, and then the draws' mean and sample standard deviation per
metric: how much of a figure is the draw. On a 17,000-step DCGAN at N = 1,000
three draws moved FID by a standard deviation of 1.0 and precision by 0.017
(benchmarks/RESULTS.md), the size of many a lever's effect.

RUN_DIR holds config.json and export/ (a SavedModel whose serving_default
takes `z` [N, latent_dim] and, if conditional, `label` [N], and returns
`images_float` in [-1, 1]). z ~ N(0, 1) from a numpy RNG seeded by --seed;
labels uniform over the dataset's classes; any other input (InfoGAN's codes)
from the prior its model card names.

Metrics (names as printed and stored in the JSON):
  fid                 Fréchet Inception Distance (Heusel et al. 2017)
  kid                 Kernel Inception Distance, mean and std over subsets
                      (Bińkowski et al. 2018)
  pr                  precision / recall, k=3 (Kynkäänniemi et al. 2019)
  dc                  density / coverage, k=5 (Naeem et al. 2020)
  score[CLASSIFIER]   exp(E KL(p(y|x) || p(y))) on a project classifier
  fd[CLASSIFIER]      Fréchet distance on that classifier's features
  pr[CLASSIFIER]      precision / recall (k=3) on that classifier's features
  acc[CLASSIFIER]     conditional generators: the fraction of images the
                      classifier reads as the class asked for
  ifd[CLASSIFIER]     conditional generators: the Fréchet distance per class,
                      averaged over the classes (intra-class FD)
  entropy[CLASSIFIER] mean normalised entropy H(p(y|x)) / ln K of the
                      classifier's reading, and the fraction with max p < 0.5
  tags                tag-conditional generators (tag_gan): per tag group, the
                      fraction of faces the cartoon-faces tag classifier reads
                      as the tags asked for (tags drawn from the dataset's rows)
  cluster[CLASSIFIER] agreement of that classifier's reading with the
                      generator's categorical input (label, or InfoGAN's
                      code) under the best one-to-one (Hungarian) matching
  swd                 sliced Wasserstein distance x 1e3 per Laplacian level
                      down to 16 px, and their mean (Karras et al. 2018)
fid, kid, pr and dc use the FID Inception's pool3 features. Real-side
features are cached under $TFGAN_ZOO_CACHE/fid_stats (default
~/.cache/tfgan_zoo), keyed by a hash of the protocol.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

from tfgan_zoo.cli import ArgumentParser
from tfgan_zoo.data import load_dataset, sample_real_images
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation.samples import (SavedModelGenerator, evaluate_images, format_table,
                                          parse_metrics, resolve_target)
from tfgan_zoo.files import write_json_atomic


def main(argv=None):
    parser = ArgumentParser(
        prog="python -m tfgan_zoo.evaluate", description=__doc__.split("\n")[0],
        epilog=__doc__[__doc__.index("Metrics"):],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", help="RUN_DIR (config.json + export/) or a SavedModel dir")
    parser.add_argument("--metrics", default="fid", help="comma-separated (default: fid)")
    parser.add_argument("--num-samples", type=int, default=1000,
                        help="fake images, and real ones unless --num-real (default: 1000)")
    parser.add_argument("--num-real", type=int, default=None,
                        help="real images (default: --num-samples; fewer if the "
                        "dataset is smaller)")
    parser.add_argument("--dataset", help="real dataset (default: the run's config.json)")
    parser.add_argument("--split", default="train", help="(default: train)")
    parser.add_argument("--data-dir", default=None,
                        help="TFDS data directory (default: the run's config.json)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of z and labels (default: 0)")
    parser.add_argument("--seeds", default=None, metavar="S,S,...",
                        help="several draws of z and labels, one seed each: every draw's "
                        "figures, then their mean and standard deviation (instead of --seed)")
    parser.add_argument("--real-seed", type=int, default=0,
                        help="seed of the real sample (default: 0)")
    parser.add_argument("--num-classes", type=int, default=None,
                        help="label range for conditional models (default: from the data)")
    parser.add_argument("--input", action="append", default=[], metavar="NAME=VALUE",
                        help="a value for another generator input, the same for every "
                        "image, e.g. --input truncation=0.5 (default: no truncation); "
                        "inputs such as tags are drawn from the dataset's label rows")
    parser.add_argument("--fid-weights", default=None, help="FID Inception weights file")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="Inception batch (default: 16 on CPU, 64 on GPU)")
    parser.add_argument("--jit", choices=("auto", "on", "off"), default="auto",
                        help="XLA for Inception (default: auto = on GPU only; on "
                        "CPU it was slower)")
    parser.add_argument("--no-cache", action="store_true", help="recompute real features")
    parser.add_argument("--kid-subsets", type=int, default=100, help="(default: 100)")
    parser.add_argument("--kid-subset-size", type=int, default=1000,
                        help="capped at N (default: 1000)")
    parser.add_argument("--output", default=None, help="JSON results path (default: "
                        "<run dir>/eval/<metrics>-n<N>-seed<S>.json; with --seeds the "
                        "summary's, each draw's beside it as -seed<S>.json)")
    args = parser.parse_args(argv)
    try:
        seeds = _seeds(args)
        setup = _setup(args)
        if len(seeds) == 1:
            result, output = _run(args, setup, seeds[0], args.output)
            print(format_table(result))
        else:
            result, output = _run_draws(args, setup, seeds)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {output}")
    return 0


def _seeds(args):
    """[--seed] (0 by default), or --seeds S,S,... as distinct ints."""
    if args.seeds is None:
        return [0 if args.seed is None else args.seed]
    if args.seed is not None:
        raise UserError("pass --seed or --seeds, not both")
    try:
        seeds = [int(s) for s in args.seeds.split(",")]
    except ValueError:
        seeds = []
    if len(seeds) < 2 or len(set(seeds)) != len(seeds):
        raise UserError(f"--seeds takes two or more distinct integers, e.g. 0,1,2; "
                        f"got {args.seeds!r}")
    return seeds


def _setup(args):
    """What every draw shares: the metrics, the generator and the real data's
    name, directory and class count."""
    metrics = parse_metrics(args.metrics)
    if args.num_samples < 2:
        raise UserError(f"--num-samples must be at least 2, got {args.num_samples}")
    constants = _constant_inputs(args.input)
    export, config, out_dir = resolve_target(args.target)
    dataset = args.dataset or config.get("dataset")
    if not dataset:
        raise UserError(f"{args.target} names no dataset; pass --dataset NAME")
    data_dir = args.data_dir or config.get("data_dir")
    generator = SavedModelGenerator(export, constants)
    num_classes = None
    if generator.conditional:
        num_classes = args.num_classes or config.get("num_classes")
        if not num_classes:
            num_classes = load_dataset(dataset, batch_size=1, split=args.split,
                                       data_dir=data_dir, shuffle=False, repeat=False,
                                       drop_remainder=False).num_classes
            if not num_classes:
                raise UserError(f"{dataset} has no labels; pass --num-classes")
    name = "-".join(re.sub(r"[\[\]]", "", m) for m in metrics)
    return argparse.Namespace(metrics=metrics, export=export, out_dir=out_dir,
                              dataset=dataset, data_dir=data_dir, generator=generator,
                              num_classes=num_classes,
                              stem=f"{name}-n{args.num_samples}")


def _run(args, setup, seed, output=None):
    """One draw of z and labels from `seed`, evaluated and written."""
    started = time.time()
    generator, dataset = setup.generator, setup.dataset
    inputs = generator.draw_inputs(args.num_samples, seed, setup.num_classes)
    rows = _label_rows(generator, dataset, args, setup.data_dir, seed)
    labels = inputs.get("label")
    fake = generator.generate(inputs["z"], labels, rows=rows,
                              **{k: v for k, v in inputs.items() if k not in ("z", "label")})
    category = generator.categorical_input()
    result = evaluate_images(
        fake, setup.metrics, dataset=dataset, num_real=args.num_real, split=args.split,
        data_dir=setup.data_dir, real_seed=args.real_seed, fid_weights=args.fid_weights,
        jit_compile={"auto": None, "on": True, "off": False}[args.jit],
        batch_size=args.batch_size,
        use_cache=not args.no_cache, kid_subsets=args.kid_subsets,
        kid_subset_size=args.kid_subset_size,
        fake_labels=rows.get("tags", labels),
        categories=None if category is None else inputs[category])
    result["protocol"].update({"generator": str(setup.export), "seed": seed,
                               "inputs": {**generator.constants,
                                          **{k: f"label rows of {dataset}" for k in rows}},
                               "latent": f"z ~ N(0,1), {generator.latent_dim}-d",
                               "labels": (f"uniform over {setup.num_classes} classes"
                                          if setup.num_classes else None),
                               **({"other_inputs": generator.priors}
                                  if generator.priors else {})})
    result["seconds"] = round(time.time() - started, 1)
    output = Path(output or setup.out_dir / "eval" / f"{setup.stem}-seed{seed}.json")
    write_json_atomic(output, result)
    return result, output


def _run_draws(args, setup, seeds):
    """One draw per seed, each written as a one-seed evaluation is; then the
    draws' mean and sample standard deviation, printed and written."""
    if args.output:
        summary_path = Path(args.output)
        paths = [summary_path.with_name(f"{summary_path.stem}-seed{s}.json") for s in seeds]
    else:
        summary_path = setup.out_dir / "eval" / (
            f"{setup.stem}-seeds{'-'.join(map(str, seeds))}.json")
        paths = [None] * len(seeds)
    draws = []
    for seed, path in zip(seeds, paths):
        result, output = _run(args, setup, seed, path)
        table = format_table(result)
        # The protocol is the same for every draw but the seed: print it once.
        print(f"draw {len(draws) + 1} of {len(seeds)}, seed {seed}")
        print(table if not draws else table.split("\nprotocol")[0])
        draws.append({"seed": seed, "metrics": result["metrics"], "file": str(output)})
    summary = {"seeds": seeds, **draw_spread([d["metrics"] for d in draws]),
               "draws": draws, "protocol": {**result["protocol"], "seed": seeds}}
    print(format_spread(summary))
    write_json_atomic(summary_path, summary)
    return summary, summary_path


def draw_spread(draws):
    """Per metric: the mean and the sample standard deviation (ddof 1) over
    draws, a list of {metric: value} read under one protocol."""
    names = [n for n in draws[0] if all(n in d for d in draws)]
    values = {n: np.array([d[n] for d in draws], dtype=np.float64) for n in names}
    return {"mean": {n: float(v.mean()) for n, v in values.items()},
            "std": {n: float(v.std(ddof=1)) for n, v in values.items()}}


def format_spread(summary):
    """A line a metric: mean ± sample sd over the draws, then each draw's value."""
    seeds = summary["seeds"]
    heading = (f"over {len(seeds)} draws (seeds {', '.join(map(str, seeds))}): "
               "mean ± sample sd [each draw]")
    lines = [heading]
    for name, mean in summary["mean"].items():
        each = " ".join(f"{d['metrics'][name]:.6g}" for d in summary["draws"])
        lines.append(f"{name:<24} {mean:.6g} ± {summary['std'][name]:.2g}   [{each}]")
    return "\n".join(lines)


def _constant_inputs(items):
    """['truncation=0.5', ...] -> {'truncation': 0.5}."""
    values = {}
    for item in items:
        name, sep, text = item.partition("=")
        try:
            values[name.strip()] = float(text)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise UserError(f"--input takes NAME=NUMBER (e.g. truncation=0.5), got {item!r}")
    if values.get("truncation", 1.0) <= 0:
        raise UserError(f"truncation must be > 0, got {values['truncation']:g}")
    return values


def _label_rows(generator, dataset, args, data_dir, seed):
    """Per-image values of inputs such as `tags`: label rows of the real
    dataset, drawn with the draw's seed."""
    if not generator.rows:
        return {}
    _, labels = sample_real_images(dataset, args.num_samples, split=args.split,
                                   data_dir=data_dir, seed=seed)
    rows = {}
    for name in generator.rows:
        shape = tuple(generator.specs[name].shape[1:])
        if labels is None or labels.ndim != 2 or labels.shape[1:] != shape:
            raise UserError(f"the generator's input {name!r} {list(shape)} has no match in "
                            f"{dataset}'s labels: pass --input {name}=VALUE")
        rows[name] = np.resize(labels, (args.num_samples,) + shape)
    return rows


if __name__ == "__main__":
    sys.exit(main())

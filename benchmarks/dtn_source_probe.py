"""DTN's f alone, under several source augmentations: how well f's own head
reads the target's digits, the ceiling of what f-constancy can keep in
G(x) (G(x) keeps what f reads, benchmarks/RESULTS.md).

    python benchmarks/dtn_source_probe.py --out runs/dtn-f \\
        --policy "grey,invert,affine,stroke,elastic" --policy "contrast,grey,..."

Each policy trains f and its head as the recipe's first phase does
(`tfgan_zoo.recipes.dtn`, its SOURCE settings and model arguments: only
the syndigits labels, no target image or label), saved in OUT/<k>/ as a
source classifier that `--source-classifier OUT/<k>` reuses in the
recipe; an existing one is read, not retrained. Then f's head reads the
source's test split and the target's two labelled splits: mnist train
(the 4,500 digits `mnist-cnn` trains on; a choice between policies is
made on these) and mnist test (the 500 held-out digits, reported). Target
labels reach only this evaluation: choosing a policy by them is a choice
of a hyperparameter on target labels, and the results say so.
Prints one JSON line per policy; writes OUT/results.json.
`--source-adversarial EPS [--source-adversarial-steps K]` trains every
policy's f adversarially, as the recipe's flags of the same names do.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import cpu_seconds  # noqa: E402

from tfgan_zoo.cli import positive_int  # noqa: E402
from tfgan_zoo.config import parse_args  # noqa: E402
from tfgan_zoo.recipes import _domain, dtn  # noqa: E402
from tfgan_zoo.registry import build_model  # noqa: E402
from tfgan_zoo.training.classifier import (classifier_info, domain_accuracy,  # noqa: E402
                                           restore_classifier)


def read(directory, config):
    """f's head, restored from `directory`, on the source test split and
    the target's train and test splits."""
    from tfgan_zoo.data import load_dataset
    data = load_dataset(config.dataset, batch_size=1, image_size=config.image_size,
                        channels=config.channels)
    model = build_model(config.model, image_shape=data.image_shape,
                        num_classes=data.num_classes, **{**data.model_args, **config.model_args})
    encoder, head = model.pretrained_networks()
    restore_classifier(directory, encoder, head, model.architecture())
    source, target = model.source_domains[0], model.target_domain
    return {f"{source} test": round(domain_accuracy(encoder, head, source), 4),
            f"{target} train": round(domain_accuracy(encoder, head, target, "train"), 4),
            f"{target} test": round(domain_accuracy(encoder, head, target), 4)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="runs/dtn-f")
    parser.add_argument("--policy", action="append", required=True,
                        help="a --source-augment policy ('' for none); repeat for several")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--source-steps", type=int, default=dtn.SOURCE["source_steps"])
    parser.add_argument("--source-adversarial", type=_domain.source_adversarial, default=0.0)
    parser.add_argument("--source-adversarial-steps", type=positive_int, default=1)
    args = parser.parse_args(argv)
    out = Path(args.out)
    rows = []
    for index, policy in enumerate(args.policy):
        directory = out / str(index)
        config = parse_args(dtn.RECIPE, ["--out", str(directory), "--seed", str(args.seed)])
        phase = {**dtn.SOURCE, "source_augment": policy, "source_steps": args.source_steps,
                 "source_adversarial": args.source_adversarial,
                 "source_adversarial_steps": args.source_adversarial_steps}
        started, cpu = time.time(), cpu_seconds()
        info = classifier_info(directory)
        if info is None or {k: info.get(k) for k in phase} != phase:
            _domain.train_source_classifier(config, phase, directory)
        row = {"policy": policy, "seed": args.seed, "steps": phase["source_steps"],
               "adversarial": [args.source_adversarial, args.source_adversarial_steps],
               "dir": str(directory), **read(directory, config),
               "cpu_s": round(cpu_seconds() - cpu, 1),
               "wall_s": round(time.time() - started, 1)}
        print(json.dumps(row), flush=True)
        rows.append(row)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()

"""3D-GAN's class mix at every checkpoint of a run, raw G and (for a run
trained with --ema-decay) the average of G: the share of each furniture
class among N samples and the mean max-prob, as read by the voxel
classifier of the recipe's report (`tfgan_zoo.reports.volume`: the same
architecture, steps and seed, fitted once here on furniture:train). The
report reads the last checkpoint only; this shows how the mix swings
between checkpoints (mode oscillation) and whether the average evens it.
--classifier-seeds 0,1,2 reads every checkpoint with classifiers fitted at
those seeds (default: the run's seed, as the report), which shows how much
of a class share is the classifier's own seed rather than G; --step keeps
one checkpoint. Each classifier's accuracy on the held-out real shapes
is printed first.

    python benchmarks/gan3d_checkpoints.py RUN [--num 500] [--out FILE.json]
                                           [--classifier-seeds S,S,...] [--step STEP]

RUN is a `tfgan_zoo.recipes.gan3d` --out directory; keep its checkpoints
with `--keep-checkpoints`. Prints one line per checkpoint and network.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _runs import each_checkpoint, raw_and_average  # noqa: E402
from tfgan_zoo.data import furniture  # noqa: E402
from tfgan_zoo.evaluation import volume  # noqa: E402
from tfgan_zoo.reports.volume import TARGETS  # noqa: E402
from tfgan_zoo.rundir.run import load_run  # noqa: E402

BATCH = 100


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", help="the gan3d run directory (its --out)")
    parser.add_argument("--num", type=int, default=500, help="samples per network")
    parser.add_argument("--out", help="also write the rows to this JSON file")
    parser.add_argument("--classifier-seeds", default=None,
                        help="comma-separated seeds of the voxel classifiers that read the "
                             "samples (default: the run's seed, as the recipe's report)")
    parser.add_argument("--step", type=int, default=None,
                        help="read only the checkpoint at this step")
    args = parser.parse_args(argv)
    model, config = load_run(args.run)
    size = model.image_shape[0]
    train, labels = furniture.generate(furniture.DEFAULT_COUNT["train"], size, "train")
    seeds = ([config.seed] if args.classifier_seeds is None
             else [int(s) for s in args.classifier_seeds.split(",")])
    classifiers = {seed: volume.train_voxel_classifier(
        furniture.as_float(train), labels, len(furniture.CLASS_NAMES), seed=seed)
        for seed in seeds}
    # each classifier's accuracy on the held-out real shapes, as the report's sanity row
    test, test_labels = furniture.generate(furniture.DEFAULT_COUNT["test"], size, "test")
    for seed, classifier in classifiers.items():
        read = classifier.predict_on_batch(furniture.as_float(test)).argmax(1)
        print(json.dumps({"classifier_seed": seed,
                          "held_out_accuracy": round(float(np.mean(read == test_labels)), 3)}),
              flush=True)
    # the report's z: batches of 100 drawn at seeds seed, seed + 100, ...
    z = np.concatenate([model.example_inputs(min(BATCH, args.num - i), seed=config.seed + i)["z"]
                        for i in range(0, args.num, BATCH)])
    low, high = TARGETS["class_share"]
    rows = []
    checkpoints = (each_checkpoint(args.run) if args.step is None
                   else [(args.step, load_run(args.run, args.step)[0])])
    for step, model in checkpoints:
        nets = raw_and_average(model, "raw G", "EMA G")
        for name, net in nets.items():
            fake = np.concatenate([np.asarray(net(z[i:i + BATCH], training=False))
                                   for i in range(0, len(z), BATCH)])
            for seed, classifier in classifiers.items():
                read = volume.classifier_scores(classifier.predict_on_batch(fake))
                row = {"step": step, "net": name, "classifier_seed": seed,
                       "class_shares": dict(zip(furniture.CLASS_NAMES,
                                                np.round(read["class_shares"], 3).tolist())),
                       "mean_max_prob": round(read["mean_max_prob"], 3),
                       "class_mix_met": bool(low <= min(read["class_shares"])
                                             and max(read["class_shares"]) <= high),
                       "occupied_share": round(float(np.mean(fake > 0)), 4)}
                print(json.dumps(row), flush=True)
                rows.append(row)
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()

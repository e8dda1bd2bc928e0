"""Why a trained noise-to-image run stalls: two readings of one checkpoint.

    python benchmarks/fidelity_diagnose.py RUN [--step S] [--num 1000]

1. Does D memorise its training digits? D's mean probability "real" and
   its accuracy (threshold 0.5) on `--num` mnist5k:train digits, the 500
   held-out mnist5k:test digits and `--num` samples of the raw G. A D
   that says "real" far more often for the training digits than for the
   held-out ones has overfitted its 4,500 digits (Karras et al. 2020, ADA,
   Fig. 1; Zhao et al. 2020, DiffAugment §3), and its gradient then tells
   G "be these digits", not "be a digit".
2. Is the averaged G held back by its batch-norm statistics? The EMA copies
   the raw G's moving statistics (they belong to other weights): FID and
   precision of the raw G, the averaged G, and the averaged G with its
   statistics re-estimated on its own activations, at N = `--num` against
   as many mnist5k:train digits (seed 0, `evaluate`'s draw).
3. For a critic with weight clipping (WGAN), the share of its weights at
   the clip (|w| >= 0.99 c), per variable kind and in all: a critic whose
   weights all sit at +-c has lost most of its capacity (Gulrajani et al.
   2017, §3 and Fig. 1b).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import tensorflow as tf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import cpu_seconds  # noqa: E402
from fidelity_probes import measure  # noqa: E402


def d_readings(model, images):
    """Mean sigmoid(D(x)) and the share D calls real."""
    logits = np.concatenate([np.asarray(model.discriminator(images[i:i + 250], training=False))
                             for i in range(0, len(images), 250)]).reshape(-1)
    p = 1 / (1 + np.exp(-logits))
    return {"mean_p_real": round(float(p.mean()), 3),
            "called_real": round(float((p > 0.5).mean()), 3)}


def clip_saturation(model):
    """Share of the critic's trainable weights with |w| >= 0.99 clip, for
    the kernels, the batch-norm scales and offsets, and all of them."""
    groups = {}
    for w in model.discriminator.trainable_variables:
        kind = w.path.rsplit("/", 1)[-1]
        values = np.abs(np.asarray(w)).reshape(-1)
        at, n = groups.get(kind, (0, 0))
        groups[kind] = (at + int((values >= 0.99 * model.clip).sum()), n + values.size)
    at = sum(a for a, _ in groups.values())
    n = sum(m for _, m in groups.values())
    return {"clip": model.clip, "all": round(at / n, 3),
            **{kind: round(a / m, 3) for kind, (a, m) in sorted(groups.items())}}


def main(argv=None):
    from tfgan_zoo.data import sample_real_images
    from tfgan_zoo.evaluation.samples import sample_latents
    from tfgan_zoo.rundir.run import load_run

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run")
    p.add_argument("--step", type=int, default=None, help="checkpoint (default: latest)")
    p.add_argument("--num", type=int, default=1000)
    p.add_argument("--no-fid", dest="fid", action="store_false",
                   help="D's readings only (no Inception features)")
    p.add_argument("--nets", default="raw,ema,ema_recal",
                   help="generators to measure: raw, ema, ema_recal (comma-separated)")
    args = p.parse_args(argv)
    cpu0 = cpu_seconds()
    model, _ = load_run(args.run, args.step)
    size = model.image_shape[0]
    train, _ = sample_real_images("mnist5k:train", args.num, image_size=size, seed=0)
    test, _ = sample_real_images("mnist5k:test", 500, image_size=size, seed=0)
    z, _ = sample_latents(model.latent_dim, args.num, 0)
    fake = np.asarray(model.generator(tf.constant(z), training=False))
    record = {"run": args.run, "step": int(model.step),
              "d_train": d_readings(model, train), "d_test": d_readings(model, test),
              "d_fake": d_readings(model, fake)}
    if getattr(model, "clip", None):
        record["at_clip"] = clip_saturation(model)
    print(json.dumps(record), flush=True)
    if args.fid:
        nets = {"raw": model.generator}
        if getattr(model, "generator_ema", None) is not None:
            nets["ema"] = model.generator_ema
            # Measured after "ema": re-estimates the statistics in place.
            nets["ema_recal"] = lambda: model.recalibrate_ema(20) and model.generator_ema
        out = Path(args.run) / "eval"
        out.mkdir(exist_ok=True)
        for key, net in nets.items():
            if key not in args.nets.split(","):
                continue
            net = net() if key == "ema_recal" else net
            record[key] = measure(net, model.latent_dim, args.num,
                                  out / f"diagnose_{model.step}_{key}.png")
            print(key, record[key], flush=True)
    record["cpu_s"] = round(cpu_seconds() - cpu0, 1)
    record["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()

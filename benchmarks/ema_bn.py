"""How many batches `--ema-bn-recalibrate` needs: the averaged generator of
one trained run, measured with its batch-norm statistics as copied from the
raw generator (0 batches) and re-estimated on 1, 4, 16, ... batches of 256.

    python benchmarks/ema_bn.py RUN [--step S] [--batches 0,1,4,16] [--num 1000]

For each count: `model.recalibrate_ema(count)` on the run's checkpoint (its
copied statistics restored first), its CPU time, then FID, precision /
recall (k = 3) of `--num` samples (z seed 0) against as many mnist5k:train
digits (seed 0, `evaluate`'s draw) and the rarest class's share as the
mnist-cnn classifier reads them (`fidelity_probes.measure`). One JSON line
per count; grids to RUN/eval/ema_bn_<count>.png.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import keras

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import cpu_seconds  # noqa: E402
from fidelity_probes import measure  # noqa: E402


def main(argv=None):
    from tfgan_zoo.rundir.run import load_run

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run")
    p.add_argument("--step", type=int, default=None, help="checkpoint (default: latest)")
    p.add_argument("--batches", default="0,1,4,16")
    p.add_argument("--num", type=int, default=1000)
    args = p.parse_args(argv)
    model, _ = load_run(args.run, args.step)
    norms = [layer for layer in model.generator.layers
             if isinstance(layer, keras.layers.BatchNormalization)]
    copied = [(average, weight.numpy()) for average, weight in
              zip(model.generator_ema.weights, model.generator.weights) if not weight.trainable]
    out = Path(args.run) / "eval"
    out.mkdir(exist_ok=True)
    for count in (int(b) for b in args.batches.split(",")):
        # The statistics as the EMA copies them: the raw generator's.
        for average, value in copied:
            average.assign(value)
        cpu0 = cpu_seconds()
        model.recalibrate_ema(count)
        record = {"run": args.run, "step": int(model.step), "batches": count,
                  "batch_norm_layers": len(norms),
                  "recalibrate_cpu_s": round(cpu_seconds() - cpu0, 2)}
        record.update(measure(model.generator_ema, model.latent_dim, args.num,
                              out / f"ema_bn_{count}.png"))
        record["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()

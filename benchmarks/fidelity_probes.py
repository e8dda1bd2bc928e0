"""Short, budgeted probes of one noise-to-image recipe's settings: each
probe trains the recipe with a few overrides for the same CPU time, then
measures FID and precision at a small N against the same real side.

    python benchmarks/fidelity_probes.py dcgan base                  # the recipe as is
    python benchmarks/fidelity_probes.py dcgan b128 batch_size=128
    python benchmarks/fidelity_probes.py dcgan beta0 beta_1=0.0 --budget 300
    python benchmarks/fidelity_probes.py dcgan decay lr_decay=0.3    # lr -> 0 over the last 30 %
    python benchmarks/fidelity_probes.py --table                     # OUT/probes.jsonl as Markdown

Each probe: the recipe's `Config` with `key=value` overrides (keys that are
not Config fields go to the model's arguments), trained in this process
until its CPU time (user + sys, data and build included) reaches
`--budget` seconds (`_budget_runs.CPUBudget`). `lr_decay=F` is the probe's
own: both learning rates fall linearly to zero over the last fraction F
of the budget; `label_smoothing=S` (also the probe's own) gives the
minimax D loss a real target of 1 - S (one-sided label smoothing, Salimans
et al. 2016). Then N samples (z seed 0) from the raw generator and, when
the run keeps one, the averaged generator; each measured for FID,
precision / recall (k = 3) against N real `mnist5k:train` digits (seed 0,
the real draw `evaluate` makes) and read by the mnist-cnn classifier for
the rarest class's share (`--recalibrate`: also the averaged generator
with batch-norm statistics re-estimated on 20 batches of its own
activations, `AdversarialModel.recalibrate_ema`). One JSON line per probe
goes to OUT/probes.jsonl and a 10 x 10 grid per generator to OUT/NAME_<raw|ema>.png.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import keras
import numpy as np

from tfgan_zoo import losses
from tfgan_zoo.config import literal
from tfgan_zoo.models.noise2image.base import NoiseToImageGAN

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _budget_runs import train_model  # noqa: E402
from _timing import cpu_seconds  # noqa: E402

REAL = "mnist5k:train"
CLASSIFIER = "mnist-cnn"


class LateDecay(keras.callbacks.Callback):
    """Both learning rates fall linearly to zero over the last `fraction`
    of a CPU budget of `seconds` (steps per CPU-second are unknown ahead,
    so the schedule follows CPU time)."""

    def __init__(self, seconds, fraction):
        super().__init__()
        self.seconds, self.fraction, self.start = seconds, fraction, cpu_seconds()
        self.initial = None

    def on_train_batch_end(self, batch, logs=None):
        optimizers = (self.model.g_optimizer, self.model.d_optimizer)
        if self.initial is None:
            self.initial = [float(o.learning_rate) for o in optimizers]
        left = 1.0 - (cpu_seconds() - self.start) / self.seconds
        scale = min(1.0, max(0.0, left / self.fraction))
        for optimizer, lr in zip(optimizers, self.initial):
            optimizer.learning_rate.assign(lr * scale)


def measure(generator, latent_dim, n, grid_path):
    """FID, precision / recall and class shares of `n` samples (z seed 0)."""
    from tfgan_zoo.evaluation.classifiers import load_classifier
    from tfgan_zoo.evaluation.samples import evaluate_images, sample_latents
    from tfgan_zoo.images import save_grid

    z, _ = sample_latents(latent_dim, n, 0)
    fake = np.concatenate([np.asarray(generator(z[i:i + 100], training=False))
                           for i in range(0, n, 100)])
    metrics = evaluate_images(fake, "fid,pr", dataset=REAL, num_real=n)["metrics"]
    read = load_classifier(CLASSIFIER).predict_logits(fake).argmax(-1)
    shares = np.bincount(read, minlength=10) / n
    save_grid(grid_path, fake[:100], rows=10, scale=2)
    return {"fid": round(metrics["fid"], 2), "precision": round(metrics["precision"], 3),
            "recall": round(metrics["recall"], 3),
            "rarest_class": round(float(shares.min()), 3)}


def table(path):
    """The probes of OUT/probes.jsonl as a Markdown table."""
    lines = ["| recipe | probe | overrides | steps | CPU train / eval (s) | load | "
             "FID raw / EMA | precision raw / EMA | recall raw / EMA | rarest class raw / EMA |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for line in Path(path).read_text().splitlines():
        r = json.loads(line)
        change = dict(r["overrides"])
        change.update({k: r[k] for k in ("lr_decay", "label_smoothing") if r.get(k)})
        nets = [r.get(k) for k in ("raw", "ema", "ema_recal") if k in r or k == "ema"]
        cell = lambda key, f: " / ".join(format(n[key], f) if n else "–" for n in nets)
        lines.append(
            f"| {r['recipe']} | {r['name']} | "
            f"{', '.join(f'{k}={v}' for k, v in change.items()) or 'the recipe'} | "
            f"{r['steps']:,} | {r['cpu_seconds']:.0f} / {r['eval_cpu_s']:.0f} | "
            f"{r['load_average'][0]:.0f}–{r['load_average'][1]:.0f} | {cell('fid', '.1f')} | "
            f"{cell('precision', '.3f')} | {cell('recall', '.3f')} | "
            f"{cell('rarest_class', '.1%')} |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("recipe", nargs="?")
    p.add_argument("name", nargs="?", help="the probe's name (its row in OUT/probes.jsonl)")
    p.add_argument("overrides", nargs="*", help="key=value recipe overrides")
    p.add_argument("--budget", type=float, default=300, help="training CPU seconds")
    p.add_argument("--num", type=int, default=500, help="samples and real images")
    p.add_argument("--out", default="runs/probes")
    p.add_argument("--recalibrate", action="store_true",
                   help="also measure the averaged G with re-estimated batch-norm statistics")
    p.add_argument("--raw-only", action="store_true",
                   help="measure the raw generator only (an EMA lags in a short probe)")
    p.add_argument("--table", action="store_true",
                   help="print OUT/probes.jsonl as a Markdown table and stop")
    args = p.parse_args(argv)
    if args.table:
        print(table(Path(args.out) / "probes.jsonl"))
        return
    overrides = dict(item.split("=", 1) for item in args.overrides)
    overrides = {k: literal(v) for k, v in overrides.items()}
    decay = overrides.pop("lr_decay", None)
    smoothing = overrides.pop("label_smoothing", None)
    if smoothing:  # one-sided: D's real target 1 - smoothing, fakes at 0
        NoiseToImageGAN.discriminator_loss = lambda self, real, fake: (
            losses.minimax_discriminator_loss(real, fake, real_label=1.0 - smoothing))
    out = Path(args.out)
    run = out / args.recipe / args.name
    extra = [LateDecay(args.budget, decay)] if decay else []
    # Far more steps than the budget allows: the budget stops the run.
    settings = {"steps": 100_000, "export": False, "report": False,
                "sample_every": 100_000, "checkpoint_every": 100_000, **overrides}
    load0, wall0, cpu0 = os.getloadavg()[0], time.time(), cpu_seconds()
    model, record = train_model(args.recipe, run, args.budget, extra, **settings)
    record.update(name=args.name, budget_s=args.budget, num=args.num,
                  lr_decay=decay, label_smoothing=smoothing, date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    record["overrides"] = {k: v for k, v in overrides.items()}
    nets = {"raw": model.generator}
    if getattr(model, "generator_ema", None) is not None and not args.raw_only:
        nets["ema"] = model.generator_ema
        if args.recalibrate:  # measured after "ema": re-estimates in place
            nets["ema_recal"] = lambda: model.recalibrate_ema(20) and model.generator_ema
    for key, net in nets.items():
        net = net() if callable(net) and not isinstance(net, keras.Model) else net
        record[key] = measure(net, model.latent_dim, args.num,
                              out / args.recipe / f"{args.name}_{key}.png")
    record["eval_cpu_s"] = round(cpu_seconds() - cpu0 - record["cpu_seconds"], 1)
    record["load_average"] = [round(load0, 1), round(os.getloadavg()[0], 1)]
    record["wall_all_s"] = round(time.time() - wall0, 1)
    print(json.dumps(record), flush=True)
    with open(out / "probes.jsonl", "a") as f:
        f.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()

"""Held-out figures of trained image-to-image runs, with trivial baselines.

    python benchmarks/image2image_eval.py runs/pix2pix runs/cyclegan ... [--fid]

For each run directory (a recipe's --out): the trained model from its newest
checkpoint (`tfgan_zoo.rundir.run.load_run`), translated over every held-out
pair of its dataset's test split, then

- PSNR / SSIM / MAE against the targets (`tfgan_zoo.evaluation.image_metrics`,
  images in [-1, 1]) on the test split, and on as many training pairs
  (in-distribution, to separate fitting from generalising);
- for unpaired models, the cycle-reconstruction L1 of both domains;
- baselines that need no training: the source itself ("identity", for
  photo2recolor), the training targets' mean colour everywhere ("mean
  colour", for edges2photo), or for gray2photo the grey source as a colour
  image and the grey source plus the training photos' mean chroma;
- with --fid: FID and KID (`tfgan_zoo.evaluate.evaluate_images`, Inception
  pool3) of the outputs and of the baseline against the held-out targets.

Prints one JSON object per run and a markdown table.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def _train_targets(config):
    from tfgan_zoo.data import load_dataset
    data = load_dataset(config.dataset, batch_size=4096, image_size=config.image_size,
                        channels=config.channels, split="train", shuffle=False,
                        repeat=False, drop_remainder=False)
    return next(iter(data.dataset))[1].numpy()


def baselines(config, sources, targets):
    """[(name, guess)]: the classical answers that need no training."""
    if config.dataset.startswith("photo2recolor"):
        return [("identity (output = source)", sources)]
    train_targets = _train_targets(config)
    if config.dataset == "gray2photo":
        # The grey source as a colour image, and the same plus the training
        # photos' mean chroma (mean of target - its luminance).
        grey = np.broadcast_to(sources, targets.shape)
        luminance = np.asarray(rgb_luminance(train_targets))
        chroma = (train_targets - luminance).mean(axis=(0, 1, 2))
        return [("grey (source as colour)", grey.astype(np.float32)),
                ("grey + mean training chroma",
                 np.clip(grey + chroma, -1, 1).astype(np.float32))]
    mean = train_targets.mean(axis=(0, 1, 2))
    return [("mean training colour",
             np.broadcast_to(mean, targets.shape).astype(np.float32))]


def rgb_luminance(images):
    """The grey source gray2photo derives from [-1, 1] RGB images, [..., 1]."""
    from tfgan_zoo.images import luminance_uint8
    uint8 = np.clip(np.rint((images + 1) * 127.5), 0, 255).astype(np.uint8)
    return luminance_uint8(uint8).astype(np.float32) / 127.5 - 1.0


def evaluate_run(run_dir, fid=False):
    from tfgan_zoo.evaluation.metrics import image_metrics
    from tfgan_zoo.evaluation.translation import evaluate_translation
    from tfgan_zoo.rundir.run import load_run

    model, config = load_run(run_dir)
    kwargs = dict(image_size=config.image_size, channels=config.channels,
                  data_dir=config.data_dir)
    start = time.perf_counter()
    held_out, (sources, outputs, targets) = evaluate_translation(
        model, config.dataset, **kwargs)
    seconds = time.perf_counter() - start
    seen, _ = evaluate_translation(model, config.dataset, split="train",
                                   num=held_out["num_pairs"], **kwargs)
    result = {"run": str(run_dir), "model": config.model, "dataset": config.dataset,
              "image_size": config.image_size, "steps": model.step,
              "test": held_out, "train": seen, "eval_seconds": round(seconds, 1),
              "baselines": [{"name": name, **image_metrics(guess, targets)}
                            for name, guess in baselines(config, sources, targets)]}
    if fid:
        from tfgan_zoo.evaluate import evaluate_images
        real = (targets, None)
        guesses = [guess for _, guess in baselines(config, sources, targets)]
        for entry, fake in zip([result["test"]] + result["baselines"], [outputs] + guesses):
            values = evaluate_images(fake, ("fid", "kid"), real=real)["metrics"]
            entry.update({k: float(v) for k, v in values.items()})
    return result


def table(results):
    rows = ["| model | steps | split | PSNR dB | SSIM | MAE | cycle L1 A / B | FID | KID |",
            "|---|---|---|---|---|---|---|---|---|"]
    fmt = lambda v, f="{:.3f}": "–" if v is None else f.format(v)  # noqa: E731
    for r in results:
        for label, m in [("held-out", r["test"]), ("train", r["train"])] + [
                (f"baseline: {b['name']}", b) for b in r["baselines"]]:
            cycle = (f"{m['cycle_l1_a']:.3f} / {m['cycle_l1_b']:.3f}"
                     if "cycle_l1_a" in m else "–")
            rows.append(f"| {r['model']} | {r['steps']} | {label} | {fmt(m.get('psnr'), '{:.2f}')}"
                        f" | {fmt(m.get('ssim'))} | {fmt(m.get('mae'))} | {cycle}"
                        f" | {fmt(m.get('fid'), '{:.1f}')} | {fmt(m.get('kid'), '{:.4f}')} |")
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--fid", action="store_true", help="also FID/KID (slow on CPU)")
    args = parser.parse_args()
    results = [evaluate_run(run, args.fid) for run in args.runs]
    for r in results:
        print(json.dumps(r))
    print(table(results))


if __name__ == "__main__":
    main()

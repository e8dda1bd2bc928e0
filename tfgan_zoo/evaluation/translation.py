"""Held-out measurement of an image-to-image model: translate a dataset's
test pairs and score them (PSNR, SSIM, MAE; cycle error for two-way models)."""

from __future__ import annotations

import numpy as np

from tfgan_zoo.data import load_dataset
from tfgan_zoo.evaluation.metrics import image_metrics


# ------------------------------------------------------------ measurement
def evaluate_translation(model, dataset, *, image_size=None, channels=None,
                         data_dir=None, split="test", num=None, batch_size=32,
                         y_channel=False, crop_border=0):
    """Translate the held-out pairs of `dataset` and measure the result.

    Returns (metrics, (sources, outputs, targets)) with numpy images in
    [-1, 1]. Metrics: `num_pairs`; PSNR, SSIM and MAE of outputs against
    targets when the split is paired (`tfgan_zoo.evaluation.image_metrics`;
    `y_channel`/`crop_border` give the super-resolution protocol); for
    unpaired models also the cycle-reconstruction L1 of both domains,
    |G_BA(G_AB(a)) - a| and |G_AB(G_BA(b)) - b| (`cycle_l1_a`, `cycle_l1_b`)."""
    data = load_dataset(dataset, batch_size=batch_size, image_size=image_size,
                        channels=channels, data_dir=data_dir, split=split,
                        shuffle=False, repeat=False, drop_remainder=False, cache=False)
    sources, outputs, targets = [], [], []
    seen = 0
    for source, target in data.dataset:
        if num is not None and seen >= num:
            break
        sources.append(source.numpy())
        targets.append(target.numpy())
        outputs.append(model.translate(source, training=False).numpy())
        seen += len(source)
    sources, outputs, targets = (np.concatenate(x)[:num] for x in
                                 (sources, outputs, targets))
    metrics = {"dataset": dataset, "split": split, "num_pairs": int(len(sources))}
    if data.model_args.get("paired", True):
        metrics.update(image_metrics(outputs, targets, y_channel=y_channel,
                                     crop_border=crop_border))
    if hasattr(model, "translate_back"):
        cycle = [], []
        for i in range(0, len(sources), batch_size):
            a, b = sources[i:i + batch_size], targets[i:i + batch_size]
            rec_a = model.translate_back(model.translate(a)).numpy()
            rec_b = model.translate(model.translate_back(b)).numpy()
            cycle[0].append(np.abs(rec_a - a).reshape(len(a), -1).mean(1))
            cycle[1].append(np.abs(rec_b - b).reshape(len(b), -1).mean(1))
        metrics["cycle_l1_a"] = float(np.concatenate(cycle[0]).mean())
        metrics["cycle_l1_b"] = float(np.concatenate(cycle[1]).mean())
    return metrics, (sources, outputs, targets)

"""What the restoration recipes write after training (`after(model,
config)`): held-out measurements in RUN/metrics.json beside the baselines
that need no training, and a picture of the results.

- `dagan_report`: compressed-sensing MRI on the held-out slab of the run's
  `mri_slices` axis (and dipy's real slice when dipy is installed): NMSE,
  PSNR and SSIM of DAGAN against the zero-filled reconstruction.
- `idcgan_report`: denoising / de-raining on held-out photo patches: PSNR,
  SSIM, MAE and the high-frequency error of the output and of the degraded
  input.
- `reflection_report`: transmission PSNR/SSIM against the blend's, the
  reflection layer's PSNR, and the leak of the true reflection's edges into
  the estimated transmission (gradient correlation), with the blend's and
  the true transmission's leak beside it; also T_hat's gradient correlation
  with R_hat and the exclusion loss of (T_hat, R_hat) and of the true (T, R):
  what the exclusion loss is trained on, beside what the leak measures.

Images are in [-1, 1]; PSNR uses a data range of 2 (= [0, 1] images with
range 1). DAGAN's NMSE is measured on images scaled to [0, 1], as in its
reference code.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tfgan_zoo import losses
from tfgan_zoo.data import load_dataset
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation.metrics import (gradient_correlation, high_frequency_error,
                                          image_metrics, nmse, psnr)
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid


def held_out_batches(config, dataset=None, batch_size=32):
    """Every batch of the test split of the run's dataset (or `dataset`),
    in order, as tuples of numpy arrays."""
    data = load_dataset(dataset or config.dataset, batch_size=batch_size,
                        image_size=config.image_size, channels=config.channels,
                        data_dir=config.data_dir, split="test", shuffle=False,
                        repeat=False, drop_remainder=False, cache=False)
    for element in data.dataset:
        parts = element if isinstance(element, (tuple, list)) else (element,)
        yield tuple(np.asarray(p) for p in parts)


def _rounded(values):
    return {k: round(float(v), 4) for k, v in values.items()}


def write_report(config, result, rows, name):
    """RUN/metrics.json (read into exported model cards) and a grid whose
    rows are `rows`; prints both. Returns `result`."""
    out = Path(config.out)
    write_atomic(out / "metrics.json", json.dumps(result, indent=2).encode())
    side = rows[0].shape[1]
    save_grid(out / name, np.concatenate(rows), rows=len(rows), scale=max(1, 128 // side))
    print(f"Held-out metrics in {out / 'metrics.json'}:")
    print(json.dumps(result, indent=2))
    print(f"Grid in {out / name}")
    return result


# ------------------------------------------------------------------ DAGAN
def reconstruction_scores(pred, truth):
    """NMSE (on [0, 1] images), PSNR and SSIM of MRI reconstructions."""
    scores = image_metrics(pred, truth)
    return _rounded({"nmse": nmse((pred + 1) / 2, (truth + 1) / 2),
                     "psnr": scores["psnr"], "ssim": scores["ssim"]})


def mri_reconstructions(model, images, batch_size=32):
    """(zero-filled, reconstructed) numpy images for fully sampled ones."""
    zero_filled = np.concatenate([model.undersample(images[i:i + batch_size]).numpy()
                                  for i in range(0, len(images), batch_size)])
    rebuilt = np.concatenate([model.reconstruct(zero_filled[i:i + batch_size]).numpy()
                              for i in range(0, len(images), batch_size)])
    return zero_filled, rebuilt


def dagan_report(model, config, shown=8):
    """DAGAN against the zero-filled reconstruction on the held-out slab,
    and on dipy's real T1 slice when dipy is installed."""
    truth = np.concatenate([b[0] for b in held_out_batches(config)])
    zero_filled, rebuilt = mri_reconstructions(model, truth)
    result = {"dataset": config.dataset, "split": "test (held-out slab)",
              "num_images": len(truth),
              "mask": f"{model.mask} {model.sampling_rate:.0%} (seed {model.mask_seed})",
              "measured_rate": round(float(np.asarray(model.kspace_mask).mean()), 4),
              "dagan": reconstruction_scores(rebuilt, truth),
              "zero_filled": reconstruction_scores(zero_filled, truth)}
    result["psnr_gain_db"] = round(result["dagan"]["psnr"] - result["zero_filled"]["psnr"], 2)
    try:
        real = next(held_out_batches(config, "mri_slices:dipy"))[0]
    except UserError as e:
        result["dipy_slice"] = f"not measured: {e}"
    else:
        dipy_zero, dipy_rebuilt = mri_reconstructions(model, real)
        result["dipy_slice"] = {"dagan": reconstruction_scores(dipy_rebuilt, real),
                                "zero_filled": reconstruction_scores(dipy_zero, real)}
    rows = [zero_filled[:shown], rebuilt[:shown], truth[:shown],
            np.clip(np.abs(rebuilt[:shown] - truth[:shown]) * 8 - 1, -1, 1)]
    return write_report(config, result, rows, "reconstructions.png")


# ---------------------------------------------------------------- ID-CGAN
def restoration_scores(pred, truth):
    """PSNR, SSIM, MAE and the high-frequency error / ratio."""
    return _rounded({**image_metrics(pred, truth), **high_frequency_error(pred, truth)})


def translated(model, sources, batch_size=32):
    return np.concatenate([model.translate(sources[i:i + batch_size]).numpy()
                           for i in range(0, len(sources), batch_size)])


def idcgan_report(model, config, shown=8):
    """ID-CGAN's output and the degraded input against the clean patches."""
    batches = list(held_out_batches(config))
    degraded = np.concatenate([b[0] for b in batches])
    clean = np.concatenate([b[1] for b in batches])
    restored = translated(model, degraded)
    result = {"dataset": config.dataset, "split": "test (held-out photos)",
              "num_pairs": len(clean), "idcgan": restoration_scores(restored, clean),
              "degraded_input": restoration_scores(degraded, clean),
              "adversarial_weight": model.adversarial_weight}
    result["psnr_gain_db"] = round(result["idcgan"]["psnr"]
                                   - result["degraded_input"]["psnr"], 2)
    return write_report(config, result, [degraded[:shown], restored[:shown], clean[:shown]],
                        "restorations.png")


# ------------------------------------------------------------- reflection
def separations(model, blends, batch_size=32):
    """(T_hat, R_hat) numpy layers of blends."""
    parts = [[x.numpy() for x in model.separate(blends[i:i + batch_size])]
             for i in range(0, len(blends), batch_size)]
    return tuple(np.concatenate(p) for p in zip(*parts))


def _exclusion(transmission, reflection):
    """The exclusion loss of layers in [-1, 1], as training computes it ([0, 1] units)."""
    return float(losses.exclusion_loss((transmission + 1.0) / 2.0, (reflection + 1.0) / 2.0))


def reflection_report(model, config, shown=8):
    """Transmission and reflection estimates on held-out synthetic blends,
    and the reflection leak: corr(grad T_hat, grad R_true)."""
    batches = list(held_out_batches(config))
    blend, transmission = (np.concatenate([b[i] for b in batches]) for i in (0, 1))
    reflection = np.concatenate([b[2] for b in batches]) if len(batches[0]) > 2 else None
    t_hat, r_hat = separations(model, blend)
    result = {"dataset": config.dataset, "split": "test (held-out photos)",
              "num_blends": len(blend), "exclusion_weight": model.exclusion_weight,
              "transmission": _rounded(image_metrics(t_hat, transmission)),
              "input_as_transmission": _rounded(image_metrics(blend, transmission))}
    result["psnr_gain_db"] = round(result["transmission"]["psnr"]
                                   - result["input_as_transmission"]["psnr"], 2)
    rows = [blend[:shown], t_hat[:shown], transmission[:shown], r_hat[:shown]]
    if reflection is not None:
        result["reflection_psnr"] = round(psnr(r_hat, reflection), 4)
        result["reflection_leak"] = _rounded({
            "estimate": gradient_correlation(t_hat, reflection),
            "input": gradient_correlation(blend, reflection),
            "true_transmission": gradient_correlation(transmission, reflection),
            # What the exclusion loss sees: T_hat's edges against R_hat's, not R's.
            "against_estimated_reflection": gradient_correlation(t_hat, r_hat)})
        result["exclusion"] = _rounded({
            "estimate": _exclusion(t_hat, r_hat), "truth": _exclusion(transmission, reflection)})
        rows.append(reflection[:shown])
    return write_report(config, result, rows, "separations.png")

"""What the image-to-image recipes write after training (`after(model,
config)`): held-out measurements in RUN/metrics.json beside a picture of
the results. `write_translation_report` serves pix2pix, CycleGAN, DualGAN
and DiscoGAN; the others add their own measures (MUNIT's diversity,
BicycleGAN's, SRGAN's bicubic baseline, the Context Encoder's biharmonic
baseline).

Every figure is computed on the *test* split of the recipe's embedded data,
whose patches come from photos the model never saw (see
`tfgan_zoo.data.photos`). Image metrics are
`tfgan_zoo.evaluation.metrics.image_metrics` (PSNR, SSIM, MAE; images in
[-1, 1] unless the Y-channel protocol is used).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.evaluation.metrics import high_frequency_error, image_metrics
from tfgan_zoo.evaluation.translation import evaluate_translation
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid
from tfgan_zoo.networks.restoration import DiffusionFill


def _held_out(model, config, **kwargs):
    return evaluate_translation(model, config.dataset, image_size=config.image_size,
                                channels=config.channels, data_dir=config.data_dir,
                                **kwargs)


def _write(config, metrics, rows, name):
    """metrics.json and a grid whose rows are `rows` (lists of images)."""
    out = Path(config.out)
    write_atomic(out / "metrics.json", json.dumps(metrics, indent=2).encode())
    shape = rows[-1].shape[1:]
    grid = np.concatenate([_display(r, shape) for r in rows])
    save_grid(out / name, grid, rows=len(rows), scale=max(1, 128 // shape[0]))
    print(f"Held-out metrics in {out / 'metrics.json'}:")
    print(json.dumps(metrics, indent=2))
    print(f"Grid in {out / name}")


def _rounded(metrics):
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}


def _batched(fn, *arrays, batch=32):
    return np.concatenate([fn(*(a[i:i + batch] for a in arrays))
                           for i in range(0, len(arrays[0]), batch)])


def mean_pairwise_l1(outputs):
    """Diversity of K outputs of one input, [K, H, W, C]: the mean L1
    distance over the K(K-1)/2 pairs (in [-1, 1] units)."""
    k = len(outputs)
    flat = outputs.reshape(k, -1)
    return float(np.mean([np.abs(flat[i] - flat[j]).mean()
                          for i in range(k) for j in range(i + 1, k)]))


# ------------------------------------------------------------------ SRGAN
def srgan_report(model, config, shown=8):
    """Y-channel PSNR/SSIM/MAE (border of `scale` pixels cropped, as in SR
    benchmarks) of SRGAN and of bicubic upscaling on the held-out pairs, and
    the perceptual measure the GAN phase is for: `hf_ratio`, the mean
    high-frequency magnitude (image minus its Gaussian blur, sigma 1 px)
    over the truth's (1: as much fine detail as the real patches; below 1:
    smoother, as MSE-trained outputs are)."""
    protocol = {"y_channel": model.image_shape[-1] == 3, "crop_border": model.scale}
    metrics, (low, sr, high) = _held_out(model, config, **protocol)
    bicubic = tf.clip_by_value(tf.image.resize(low, model.image_shape[:2],
                                               method="bicubic"), -1.0, 1.0).numpy()
    result = {"dataset": config.dataset, "split": "test", "num_pairs": len(low),
              "protocol": ("Y channel (BT.601), " if protocol["y_channel"] else "")
              + f"{model.scale}-pixel border cropped",
              "content_loss": model.content_loss_name,
              "pretrain_steps": model.pretrain_steps,
              "srgan": _rounded({k: metrics[k] for k in ("psnr", "ssim", "mae")}
                                | _detail(sr, high)),
              "bicubic": _rounded(image_metrics(bicubic, high, **protocol)
                                  | _detail(bicubic, high))}
    _write(config, result, [bicubic[:shown], sr[:shown], high[:shown]],
           "super_resolution.png")
    return result


def _detail(pred, target):
    return {"hf_ratio": high_frequency_error(pred, target)["hf_ratio"]}


# -------------------------------------------------------- Context Encoder
def _biharmonic(images, masks):
    from skimage.restoration import inpaint_biharmonic
    return np.stack([inpaint_biharmonic((x + 1) / 2, m[..., 0].astype(bool),
                                        channel_axis=-1) * 2 - 1
                     for x, m in zip(images, masks)]).astype(np.float32)


def context_encoder_report(model, config, shown=8):
    """Whole-image PSNR/SSIM/MAE and hole-only PSNR/MAE of the inpainted
    held-out patches, against three baselines: the input as is (hole left
    mid-grey), biharmonic inpainting (scikit-image) and the smooth
    `DiffusionFill` that `fill="diffusion"` generators start from."""
    _, (masked, filled, full) = _held_out(model, config)
    masks = np.all(masked == 0.0, axis=-1, keepdims=True).astype(np.float32)
    hole = masks[..., 0] == 1

    def scores(pred):
        s = image_metrics(pred, full)
        # Per image over its hole's pixels, data range 2 ([-1, 1]).
        mse = [np.mean((p[h] - t[h]) ** 2) for p, t, h in zip(pred, full, hole)]
        s["hole_psnr"] = float(np.mean(10 * np.log10(4.0 / np.asarray(mse))))
        s["hole_mae"] = float(np.abs(pred - full)[hole].mean())
        return _rounded(s)

    result = {"dataset": config.dataset, "split": "test", "num_pairs": len(full),
              "hole_fraction": round(float(masks.mean()), 4),
              "context_encoder": scores(filled), "grey_fill": scores(masked),
              "biharmonic": scores(_biharmonic(masked, masks)),
              "diffusion_fill": scores(DiffusionFill()([masked, masks]).numpy())}
    _write(config, result, [masked[:shown], filled[:shown], full[:shown]],
           "inpainting.png")
    return result


# ------------------------------------------------------------------ MUNIT
def munit_report(model, config, shown=8, num_styles=8, num_inputs=64):
    """On the aligned held-out photo -> recolour pairs: translations with a
    random style and with the style encoded from the true target (PSNR, SSIM,
    MAE against it); diversity (mean pairwise L1 of `num_styles` styles per
    input); within-domain reconstruction L1 and the cycle L1 x -> other
    domain (random style) -> back with x's own style."""
    metrics, (a, ab, b) = _held_out(model, config)
    guided = _batched(lambda x, y: model.translate(x, model.encode_style(y, "b")).numpy(),
                      a, b)
    styles = [model.sample_styles(x, num_styles, seed=i) for i, x in
              enumerate(a[:num_inputs])]
    cycle_a, cycle_b = model.cycle_error(a, b)
    recon = [float(np.abs(_batched(lambda x: model.reconstruct(x, d).numpy(), x) - x).mean())
             for d, x in (("a", a), ("b", b))]
    result = {"dataset": config.dataset, "split": "test", "num_pairs": len(a),
              "random_style": _rounded({k: metrics[k] for k in ("psnr", "ssim", "mae")}),
              "target_style": _rounded(image_metrics(guided, b)),
              "diversity_l1": round(float(np.mean([mean_pairwise_l1(s) for s in styles])), 4),
              "num_styles": num_styles,
              "reconstruction_l1_a": round(recon[0], 4),
              "reconstruction_l1_b": round(recon[1], 4),
              "cycle_l1_a": round(cycle_a, 4), "cycle_l1_b": round(cycle_b, 4)}
    rows = [a[:shown], guided[:shown], b[:shown]] + [
        np.stack([s[k] for s in styles[:shown]]) for k in range(3)]
    _write(config, result, rows, "multimodal.png")
    return result


# ------------------------------------------------------------- BicycleGAN
def bicyclegan_report(model, config, shown=8, num_samples=8, num_inputs=64):
    """On the held-out pairs: PSNR/SSIM/MAE against the target of outputs
    from a random z and from z = E(target) (the cVAE path); diversity (mean
    pairwise L1 of `num_samples` random z per input)."""
    metrics, (a, random_z, b) = _held_out(model, config)
    encoded = _batched(lambda x, y: model.translate(x, model.encode(y)).numpy(), a, b)
    samples = [model.sample_outputs(x, num_samples, seed=i) for i, x in
               enumerate(a[:num_inputs])]
    result = {"dataset": config.dataset, "split": "test", "num_pairs": len(a),
              "random_z": _rounded({k: metrics[k] for k in ("psnr", "ssim", "mae")}),
              "encoded_z": _rounded(image_metrics(encoded, b)),
              "diversity_l1": round(float(np.mean([mean_pairwise_l1(s)
                                                   for s in samples])), 4),
              "num_samples": num_samples}
    rows = [a[:shown], encoded[:shown], b[:shown]] + [
        np.stack([s[k] for s in samples[:shown]]) for k in range(3)]
    _write(config, result, rows, "multimodal.png")
    return result


def _display(images, shape):
    """Images resized (nearest) and tiled to `shape` for a side-by-side grid."""
    images = tf.convert_to_tensor(images)
    if tuple(images.shape[1:3]) != tuple(shape[:2]):
        images = tf.image.resize(images, shape[:2], method="nearest")
    if images.shape[-1] == 1 and shape[-1] == 3:
        images = tf.image.grayscale_to_rgb(images)
    return images.numpy()


def write_translation_report(model, config, num_shown=8, **kwargs):
    """After training: measure on the held-out split of the run's dataset and
    write RUN/metrics.json (read into exported model cards) and
    RUN/translations.png (rows: source, output, target). Returns the metrics."""
    metrics, (sources, outputs, targets) = evaluate_translation(
        model, config.dataset, image_size=config.image_size, channels=config.channels,
        data_dir=config.data_dir, **kwargs)
    out = Path(config.out)
    write_atomic(out / "metrics.json", json.dumps(metrics, indent=2).encode())
    shown = min(num_shown, len(sources))
    shape = model.image_shape
    grid = np.concatenate([_display(sources[:shown], shape), outputs[:shown],
                           _display(targets[:shown], shape)])
    save_grid(out / "translations.png", grid, rows=3,
              scale=max(1, 128 // shape[0]))
    summary = ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                        for k, v in metrics.items())
    print(f"Held-out translation ({summary}); grid in {out / 'translations.png'}")
    return metrics

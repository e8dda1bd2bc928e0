"""SRGAN against SRResNet and bicubic on a perceptual measure, on the
recipe's held-out patches: for bicubic upscaling, the run at the end of its
MSE pre-training (SRResNet) and the final run (SRGAN), the Y-channel
PSNR/SSIM (4-pixel border cropped), the high-frequency ratio `hf_ratio`
(mean |image - Gaussian blur(1 px)| over the truth's: 1 = as much fine
detail as the real patches, below 1 = smoother) and the KID of TF-Inception
pool3 features against the real high-resolution patches (lower = closer to
real; all patches a side, the same subsets for every row).

    python benchmarks/sr_perceptual.py runs/srgan

Prints a markdown table and writes RUN/reports/perceptual.json.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import tensorflow as tf


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="run directory of an SRGAN training run")
    parser.add_argument("--kid-subset-size", type=int, default=100)
    args = parser.parse_args()

    from tfgan_zoo.data import load_dataset
    from tfgan_zoo.evaluation.metrics import (high_frequency_error, image_metrics,
                                              kernel_inception_distance)
    from tfgan_zoo.evaluation.inception import get_fid_inception
    from tfgan_zoo.rundir.run import load_run

    final, config = load_run(args.run)
    mse, _ = load_run(args.run, step=final.pretrain_steps)
    data = load_dataset(config.dataset, batch_size=64, image_size=config.image_size,
                        split="test", shuffle=False, repeat=False, drop_remainder=False)
    low, high = (np.concatenate(x) for x in zip(*[(a.numpy(), b.numpy())
                                                 for a, b in data.dataset]))
    outputs = {
        "bicubic": np.clip(tf.image.resize(low, high.shape[1:3], method="bicubic"), -1, 1),
        f"SRResNet (step {mse.step}, end of the MSE stage)": mse.upscale(low),
        f"SRGAN (step {final.step})": final.upscale(low)}
    net = get_fid_inception(None, None, None)
    real_features = net.features(high)
    rows = {}
    for name, images in outputs.items():
        images = np.asarray(images)
        y = image_metrics(images, high, y_channel=True, crop_border=final.scale)
        kid, kid_std = kernel_inception_distance(real_features, net.features(images),
                                                 num_subsets=100,
                                                 subset_size=args.kid_subset_size)
        rows[name] = {"psnr": round(y["psnr"], 2), "ssim": round(y["ssim"], 4),
                      "hf_ratio": round(high_frequency_error(images, high)["hf_ratio"], 3),
                      "kid": round(kid, 4), "kid_std": round(kid_std, 4)}
    result = {"dataset": config.dataset, "split": "test", "num_patches": len(high),
              "kid_subset_size": args.kid_subset_size, "rows": rows}
    out = Path(args.run) / "reports"
    out.mkdir(parents=True, exist_ok=True)
    (out / "perceptual.json").write_text(json.dumps(result, indent=2))
    print("| | Y-PSNR (dB) | SSIM | hf_ratio (1 = real) | KID (x1e3) |")
    print("|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['psnr']:.2f} | {r['ssim']:.3f} | {r['hf_ratio']:.3f} | "
              f"{1e3 * r['kid']:.1f} ± {1e3 * r['kid_std']:.1f} |")


if __name__ == "__main__":
    main()

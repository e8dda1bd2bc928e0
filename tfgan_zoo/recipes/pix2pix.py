"""Isola et al. 2017: pix2pix on the embedded gray2photo pairs (greyscale ->
colour photo patches cut from scikit-image/scikit-learn photos, offline; the
paper's BW -> colour task) at 32x32, U-Net + PatchGAN, Adam 2e-4 (beta_1
0.5). As in the reference code's colorization model, the U-Net predicts only
the chroma and the output keeps the grey source as its luminance
(--keep-luminance). The reconstruction term is not the paper's L1 but each
image's MSE in dB (--reconstruction log_mse, i.e. minus its PSNR), weighed
100 (--l1-weight): with the L1 (lambda 1000, the default until 2026-12-05)
the held-out photos got the training photos' colours at full strength,
20.76 dB / SSIM 0.714, below the grey image plus the training photos' mean
chroma (22.05 / 0.750); with log_mse, 22.55 / 0.752 at 1,500 steps and
23.93 / 0.797 at 500, where the held-out curve peaks (the longer run fits
the six training photos' colours): the default is 500 steps. Pass
`--reconstruction l1 --l1-weight 100` for the paper's loss. Afterwards PSNR,
SSIM and MAE on the held-out photos go to RUN/metrics.json and a source |
output | target grid to RUN/translations.png.

Until 2026-12 the default was edges2photo (Canny edges -> photo):
`--dataset edges2photo --keep-luminance False --reconstruction l1
--l1-weight 100` (benchmarks/RESULTS.md, "Image to image")."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.image2image import write_translation_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="pix2pix", model="pix2pix", dataset="gray2photo",
                image_size=32, steps=500, batch_size=16, g_lr=2e-4, d_lr=2e-4,
                beta_1=0.5, sample_every=500, checkpoint_every=500, num_samples=16,
                model_args={"ngf": 32, "ndf": 32, "d_layers": 2,
                            "keep_luminance": True, "reconstruction": "log_mse",
                            "l1_weight": 100.0})


# Held-out measurements and pictures of the trained model (`reports`).
after = write_translation_report


if __name__ == "__main__":
    main(RECIPE, after=after)

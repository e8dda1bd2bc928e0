"""Zhang, Sindagi & Patel 2017: ID-CGAN on the embedded photo patches
(scikit-image/scikit-learn photos, offline; held-out photos for testing) at
64x64, here denoising at sigma = 25 (`denoise:25`); pass --dataset derain
for de-raining or denoise:15 / denoise:50. A densely connected
encoder-decoder G (stem 24 wide, dense blocks of 3 layers x 8 channels,
two levels) whose output is added to its input (`residual`, DnCNN's
residual learning, not in the paper: without it the 1,500-step G had
reached only +3.1 dB at step 500, a third of it a colour shift on
held-out colours), a conditional 70x70 PatchGAN D (24 wide), L = MSE + 6.6e-3 x
adversarial (no VGG feature term: no weights offline), Adam(2e-4,
beta_1 0.5). Afterwards PSNR, SSIM, MAE and the high-frequency error of
the output and of the degraded input go to RUN/metrics.json and a
degraded | restored | clean grid to RUN/restorations.png."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.restoration import idcgan_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="idcgan", model="idcgan", dataset="denoise:25", image_size=64,
                steps=800, batch_size=8, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                sample_every=500, checkpoint_every=500, num_samples=16,
                model_args={"ngf": 24, "growth": 8, "block_layers": 3, "residual": True,
                            "ndf": 24})


# Held-out measurements and pictures of the trained model (`reports`).
after = idcgan_report


if __name__ == "__main__":
    main(RECIPE, after=after)

"""Zhang, Sindagi & Patel 2017: ID-CGAN on the embedded photo patches
(scikit-image/scikit-learn photos, offline; held-out photos for testing) at
64x64, here denoising at sigma = 25 (`denoise:25`); pass denoise:15 /
denoise:50 for other noise levels. De-raining has its own recipe,
`idcgan_derain` (a residual G: the paper's G reaches +5.95 dB there). A densely connected
encoder-decoder G (stem 24 wide, dense blocks of 3 layers x 8 channels,
two levels), a conditional 70x70 PatchGAN D (24 wide), L = MSE + 6.6e-3 x
adversarial (no VGG feature term: no weights offline), Adam(2e-4,
beta_1 0.5). Afterwards PSNR, SSIM, MAE and the high-frequency error of
the output and of the degraded input go to RUN/metrics.json and a
degraded | restored | clean grid to RUN/restorations.png. `--residual True`
adds G's output to its input (DnCNN's residual learning, not in the paper):
faster at first (+5.4 dB at 300 steps), but +5.4 dB again at 800, against
the paper's G at +6.2 dB at this default's 1,500 (benchmarks/RESULTS.md)."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.restoration import idcgan_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="idcgan", model="idcgan", dataset="denoise:25", image_size=64,
                steps=1500, batch_size=8, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                sample_every=500, checkpoint_every=500, num_samples=16,
                model_args={"ngf": 24, "growth": 8, "block_layers": 3, "ndf": 24})


# Held-out measurements and pictures of the trained model (`reports`).
after = idcgan_report


if __name__ == "__main__":
    main(RECIPE, after=after)

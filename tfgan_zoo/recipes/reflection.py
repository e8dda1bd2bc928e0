"""Zhang, Ng & Chen 2018: single-image reflection separation on synthetic
blends of the embedded photo patches (`reflection`: the reference's
`syn_data` recipe on scikit-image/scikit-learn photos, offline; held-out
photos for testing) at 64x64. The context-aggregation G (32 wide, dilations
1, 2, 4, 8, 16, 32, 1: a 64-px patch has no use for 64; each image
normalised with its own statistics, `--norm instance`, as the reference's
batch of one), no hypercolumns,
L = adversarial + 100 (L1 on R + 0.2 feature + exclusion) with the feature
loss on a photo auto-encoder the model trains itself (no VGG19 weights
offline), a conditional PatchGAN (32 wide), Adam G 2e-4 / D 1e-4 as the
reference. Afterwards transmission PSNR/SSIM against the blend's, the
reflection layer's PSNR and the reflection leak (gradient correlation of
T_hat with the true R) go to RUN/metrics.json and a blend | T_hat | T |
R_hat | R grid to RUN/separations.png."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.restoration import reflection_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="reflection", model="reflection", dataset="reflection",
                image_size=64, steps=1500, batch_size=8, g_lr=2e-4, d_lr=1e-4, beta_1=0.5,
                sample_every=500, checkpoint_every=500, num_samples=16,
                model_args={"width": 32, "rates": (1, 2, 4, 8, 16, 32, 1), "ndf": 32})


# Held-out measurements and pictures of the trained model (`reports`).
after = reflection_report


if __name__ == "__main__":
    main(RECIPE, after=after)

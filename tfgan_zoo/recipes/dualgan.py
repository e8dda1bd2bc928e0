"""Yi et al. 2017: DualGAN on the embedded photo2recolor domains (unpaired,
offline) at 32x32: U-Net generators, PatchGAN Wasserstein critics clipped to
0.01, 2 critic steps per generator step, L1 reconstruction weight 500,
RMSProp 5e-5. Afterwards the held-out cycle-reconstruction error (and
PSNR/SSIM/MAE against the known recolouring) go to RUN/metrics.json."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.image2image import write_translation_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="dualgan", model="dualgan", dataset="photo2recolor",
                image_size=32, steps=1000, batch_size=4, optimizer="rmsprop",
                g_lr=5e-5, d_lr=5e-5, sample_every=500, checkpoint_every=500,
                num_samples=16, model_args={"ngf": 16, "ndf": 32, "d_layers": 2})


# Held-out measurements and pictures of the trained model (`reports`).
after = write_translation_report


if __name__ == "__main__":
    main(RECIPE, after=after)

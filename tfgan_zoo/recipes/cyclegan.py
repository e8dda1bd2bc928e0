"""Zhu et al. 2017: CycleGAN on the embedded photo2recolor domains (photo
patches <-> the same kind of patches with hues turned by 120 degrees, drawn
unpaired, offline) at 32x32: ResNet generators (6 blocks, narrow), PatchGAN
discriminators, LSGAN loss, cycle lambda 10, identity 0.5 lambda, a 50-image
history, Adam 2e-4 decaying linearly to 0 over the second half. Batch norm
replaces the paper's instance norm here: instance norm erases each patch's
mean colour, which on small, often flat 32-px patches is much of what is to
be translated (measured: benchmarks/history/image2image.md; the reference
code offers --norm batch). Afterwards
the held-out cycle-reconstruction error (and, since the recolouring is known,
PSNR/SSIM/MAE against it) go to RUN/metrics.json."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.image2image import write_translation_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="cyclegan", model="cyclegan", dataset="photo2recolor",
                image_size=32, steps=1000, batch_size=4, g_lr=2e-4, d_lr=2e-4,
                beta_1=0.5, sample_every=500, checkpoint_every=500, num_samples=16,
                model_args={"ngf": 16, "ndf": 32, "n_blocks": 6, "d_layers": 2,
                            "norm": "batch"})


# Held-out measurements and pictures of the trained model (`reports`).
after = write_translation_report


if __name__ == "__main__":
    main(RECIPE, after=after)

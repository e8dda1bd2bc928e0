"""Radford et al. 2015: DCGAN at 32x32 on real MNIST digits (offline), then
the latent-space tools of §6: interpolation and class-mean arithmetic."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.latent import write_latent_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="dcgan", model="dcgan", dataset="mnist5k", image_size=32,
                steps=2000, batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                model_args={"latent_dim": 100, "ngf": 32, "ndf": 32})


# After training: the latent-space grids of Radford et al. §6.
after = write_latent_report


if __name__ == "__main__":
    main(RECIPE, after=after)

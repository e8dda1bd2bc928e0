"""Gulrajani et al. 2017: WGAN-GP (lambda = 10, 5 critic steps, Adam 1e-4,
betas (0, 0.9)) on MNIST at 32x32."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="wgan_gp", model="wgan_gp", dataset="mnist5k:train",
                image_size=32, steps=2000, batch_size=64, g_lr=1e-4, d_lr=1e-4,
                beta_1=0.0, beta_2=0.9, model_args={"ngf": 32, "ndf": 32})


if __name__ == "__main__":
    main(RECIPE)

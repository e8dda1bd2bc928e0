"""Mao et al. 2017: least-squares GAN (a=0, b=1, c=1) on DCGAN networks,
MNIST at 32x32, Adam 2e-4."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="lsgan", model="lsgan", dataset="mnist5k:train", image_size=32,
                steps=2000, batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                model_args={"ngf": 32, "ndf": 32})


if __name__ == "__main__":
    main(RECIPE)

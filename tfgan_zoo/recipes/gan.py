"""Goodfellow et al. 2014: MLP GAN on real MNIST digits (offline)."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="gan", model="gan", dataset="mnist5k:train", steps=5000,
                batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5)


if __name__ == "__main__":
    main(RECIPE)

"""Mirza & Osindero 2014: class-conditional MLP GAN on MNIST digits; sample
grids show one class per column."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="cgan", model="cgan", dataset="mnist5k:train", steps=5000,
                batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5, num_samples=100)


if __name__ == "__main__":
    main(RECIPE)

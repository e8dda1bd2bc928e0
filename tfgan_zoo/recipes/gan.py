"""Goodfellow et al. 2014: MLP GAN on real MNIST digits (offline)."""

from tfgan_zoo.config import Config

RECIPE = Config(recipe="gan", model="gan", dataset="mnist5k", steps=5000,
                batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5)


if __name__ == "__main__":
    from tfgan_zoo.trainer import main
    main(RECIPE)

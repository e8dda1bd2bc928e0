"""Goodfellow et al. 2014: MLP GAN on real MNIST digits (offline).

Trains on mnist5k's train part (4,500 digits; the 500 held out are for
evaluation). 20,000 steps and an exponential moving average of G (decay
0.999, what `sample`, export and `evaluate` use) are the measured setting
of benchmarks/RESULTS.md's fidelity section: FID 56.0 at N = 1,000 in about
10 CPU-minutes (63.6 at 10,000 steps), against 178 (N = 500) for the
earlier 5,000 steps without EMA."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="gan", model="gan", dataset="mnist5k:train", steps=20000,
                batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                model_args={"ema_decay": 0.999})


if __name__ == "__main__":
    main(RECIPE)

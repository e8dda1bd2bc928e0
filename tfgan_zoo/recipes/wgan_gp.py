"""Gulrajani et al. 2017: WGAN-GP (lambda = 10, 5 critic steps, Adam 1e-4,
betas (0, 0.9)) on real MNIST digits (offline).

The same footing as dcgan: mnist5k's train part (4,500 digits; the 500
held out are for evaluation) at 28 px, widths 64 (the paper's MNIST
DIM), and an exponential moving average of G (decay 0.995, batch-norm
statistics re-estimated), which `sample`, export and `evaluate` use.
Measured (benchmarks/RESULTS.md's fidelity section): 20.6 CPU-minutes of
training, FID 64.2 at N = 1,000 (precision 0.228), against 82.4 (0.114)
for the earlier 32 px / widths 32 / no-EMA default. The target (FID <= 25)
is still far off."""

from tfgan_zoo.config import Config
from tfgan_zoo.recipes._digits import DIGITS_28
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="wgan_gp", model="wgan_gp", steps=2000,
                **{**DIGITS_28, "g_lr": 1e-4, "d_lr": 1e-4, "beta_1": 0.0, "beta_2": 0.9},
                model_args={"ngf": 64, "ndf": 64, "ema_decay": 0.995})


if __name__ == "__main__":
    main(RECIPE)

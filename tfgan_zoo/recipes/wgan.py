"""Arjovsky et al. 2017: WGAN with weight clipping (c = 0.01), RMSProp
5e-5 and 5 critic steps per generator step (Algorithm 1), on DCGAN
networks and real MNIST digits (offline).

The same footing as dcgan: mnist5k's train part (4,500 digits; the 500
held out are for evaluation) at 28 px, widths 64, and an exponential
moving average of G (decay 0.995: a short window, since the run is
2,000 generator steps at the paper's small learning rate; batch-norm
statistics re-estimated), which `sample`, export and `evaluate` use.
Measured cost: 0.35 CPU-s per step (5 critic updates), so 2,000 steps are
about 12 CPU-minutes, inside the budget. Its FID is not measured yet: the
first run of this default was stopped at about 800 steps (at 400 its
averaged G still drew noise); benchmarks/RESULTS.md's fidelity section."""

from tfgan_zoo.config import Config
from tfgan_zoo.recipes._digits import DIGITS_28
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="wgan", model="wgan", steps=2000,
                **{**DIGITS_28, "optimizer": "rmsprop", "g_lr": 5e-5, "d_lr": 5e-5},
                model_args={"ngf": 64, "ndf": 64, "clip": 0.01, "n_critic": 5,
                            "ema_decay": 0.995})


if __name__ == "__main__":
    main(RECIPE)

"""Arjovsky et al. 2017: WGAN with weight clipping (c = 0.01), RMSProp
5e-5 and 5 critic steps per generator step (Algorithm 1), on DCGAN
networks and real MNIST digits (offline).

The same footing as dcgan: mnist5k's train part (4,500 digits; the 500
held out are for evaluation) at 28 px, widths 64, and an exponential
moving average of G (decay 0.995; batch-norm statistics re-estimated),
which `sample`, export and `evaluate` use. 4,500 generator steps, what
the 30 CPU-minute budget allows at the paper's small learning rate.
Measured (benchmarks/RESULTS.md's fidelity section): 26.8 CPU-minutes of
training, FID 108.4 at N = 1,000 (precision 0.020), against 155.8
(0.005) at 2,000 steps: digit-like strokes, most malformed. The target
(FID <= 35) is far off."""

from tfgan_zoo.config import Config
from tfgan_zoo.recipes._digits import DIGITS_28
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="wgan", model="wgan", steps=4500,
                **{**DIGITS_28, "optimizer": "rmsprop", "g_lr": 5e-5, "d_lr": 5e-5},
                model_args={"ngf": 64, "ndf": 64, "clip": 0.01, "n_critic": 5,
                            "ema_decay": 0.995})


if __name__ == "__main__":
    main(RECIPE)

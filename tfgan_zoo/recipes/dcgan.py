"""Radford et al. 2015: DCGAN at 28x28 on real MNIST digits (offline), then
the latent-space tools of §6: interpolation and class-mean arithmetic.

Trains on mnist5k's train part (4,500 digits; the 500 held out are for
evaluation). Widths 64, 12,000 steps and an exponential moving average of G
(decay 0.999, what `sample`, export and `evaluate` use) are the measured
setting of benchmarks/RESULTS.md's fidelity section: on the Xeon (mixed
bfloat16) FID 26.9 / precision 0.482 at 12,000 steps against 33.3 / 0.463
at 6,000 (the same run, resumed), in about 17 CPU-minutes there (about 28 on
the EPYC at float32); 65.8 for the first default (32 px, widths 32, 2,000
steps, no EMA)."""

from tfgan_zoo.config import Config
from tfgan_zoo.recipes._digits import DIGITS_28
from tfgan_zoo.reports.latent import write_latent_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="dcgan", model="dcgan", steps=12000, **DIGITS_28,
                model_args={"latent_dim": 100, "ngf": 64, "ndf": 64, "ema_decay": 0.999})


# After training: the latent-space grids of Radford et al. §6.
after = write_latent_report


if __name__ == "__main__":
    main(RECIPE, after=after)

"""Mao et al. 2017: least-squares GAN (a=0, b=1, c=1, eq. 2) on DCGAN
networks, on real MNIST digits (offline).

dcgan's setting on the same networks: mnist5k's train part (4,500 digits;
the 500 held out are for evaluation) at 28 px, widths 64, Adam 2e-4 /
beta_1 0.5, 6,000 steps and an exponential moving average of G (decay
0.999, batch-norm statistics re-estimated; what `sample`, export and
`evaluate` use): measured FID 43.8 at N = 1,000 (precision 0.326) in
12.7 CPU-minutes, against 205.8 (precision 0.001) for the earlier default
(32 px, widths 32, 2,000 steps, no EMA); benchmarks/RESULTS.md's fidelity
section. The target (FID <= 25) is not met yet."""

from tfgan_zoo.config import Config
from tfgan_zoo.recipes._digits import DIGITS_28
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="lsgan", model="lsgan", steps=6000, **DIGITS_28,
                model_args={"ngf": 64, "ndf": 64, "ema_decay": 0.999})


if __name__ == "__main__":
    main(RECIPE)

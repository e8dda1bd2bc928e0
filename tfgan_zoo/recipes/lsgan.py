"""Mao et al. 2017: least-squares GAN (a=0, b=1, c=1, eq. 2) on DCGAN
networks, on real MNIST digits (offline).

dcgan's setting on the same networks: mnist5k's train part (4,500 digits;
the 500 held out are for evaluation) at 28 px, widths 64, Adam 2e-4 /
beta_1 0.5, 17,000 steps, one generator forward per step (`reuse_fake`), a
lazy R1 penalty on D (gamma 0.1 on every 4th D update; D memorises the
4,500 digits without it) and an exponential moving average of G (decay
0.999, batch-norm statistics re-estimated; what `sample`, export and
`evaluate` use). Measured on the Xeon in bfloat16 (benchmarks/RESULTS.md,
fidelity): FID 23.5 at N = 1,000, precision 0.527, every class >= 5 %
(seed 0, about 28 CPU-minutes at load 3-12); seed 1, a fresh run: 23.3 /
0.572 in 22.6 training CPU-minutes. Seed 0's FID fell 30.7,
27.4, 24.1, 23.5 at 10,000 / 12,000 / 16,000 / 17,000 steps (the same run,
resumed). The earlier default (6,000 steps, Algorithm 1, no R1) read
43.8 / 0.326; those changes were not measured one at a time. A run made
with the 12,000-step default continues to 17,000 when re-run;
`--steps 12000` keeps it where it stopped. Runs started before R1 resume
with `--steps 6000 --no-reuse-fake --r1-gamma 0 --r1-every 1`."""

from tfgan_zoo.config import Config
from tfgan_zoo.recipes._digits import DIGITS_28
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="lsgan", model="lsgan", steps=17000, **DIGITS_28,
                model_args={"ngf": 64, "ndf": 64, "ema_decay": 0.999, "reuse_fake": True,
                            "r1_gamma": 0.1, "r1_every": 4})


if __name__ == "__main__":
    main(RECIPE)

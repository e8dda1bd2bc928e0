"""Zhao et al. 2018: MDAN-soft on mnist, syndigits, ucidigits -> mnistm
(mnist5k and the Syn Numbers / USPS stand-ins -> the MNIST-M analogue,
`tfgan_zoo.data.digit_domains`), DANN's digit networks, mu = 1e-2,
gamma = 10, Adam 1e-3 and 64 images of every domain a step. Afterwards the
three-row table (source-only on the pooled sources, MDAN, target-oracle)
in RUN/metrics.json. `--combination hard` is MDAN-hard; the leave-one-out
comparison with single-source DANN over all four targets is
benchmarks/mdan_leave_one_out.py."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.domain import adaptation_table
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="mdan", model="mdan", dataset="adapt:mnist,syndigits,ucidigits>mnistm",
                steps=3000, batch_size=64, g_lr=1e-3, d_lr=1e-3, beta_1=0.9,
                checkpoint_every=1000, log_every=100, epoch_steps=500)

after = adaptation_table


if __name__ == "__main__":
    main(RECIPE, after=after)

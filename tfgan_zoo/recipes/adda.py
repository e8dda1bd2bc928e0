"""Tzeng et al. 2017: ADDA on mnist -> ucidigits (mnist5k -> the USPS
stand-in, `tfgan_zoo.data.digit_domains`), with the reference LeNet and
500-500-1 adversary. Two phases, each resumable:

    OUT/source/   phase 1: M_s and C on the source labels (Adam 1e-3, batch
                  128; --source-steps, --source-lr, --source-batch-size)
    OUT/adda/     phase 2: M_t from M_s against D with the inverted label
                  (Adam 2e-4, beta_1 0.5, batch 128), exported as the
                  adapted classifier C(M_t(x))

then the three-row table (source-only = phase 1's classifier, ADDA,
target-oracle) in OUT/adda/metrics.json. The reference runs 10,000
iterations of each phase; 3,000 fit the CPU budget here.
`--dataset adapt:syndigits>mnist` is the SVHN -> MNIST analogue."""

import keras

from tfgan_zoo.config import Config
from tfgan_zoo.recipes import _domain
from tfgan_zoo.reports.domain import adaptation_table

RECIPE = Config(recipe="adda", model="adda", dataset="adapt:mnist>ucidigits", steps=3000,
                batch_size=128, g_lr=2e-4, d_lr=2e-4, beta_1=0.5, checkpoint_every=1000,
                log_every=100, epoch_steps=500)
SOURCE = {"source_steps": 3000, "source_batch_size": 128, "source_lr": 1e-3}


def report(model, config, phase):
    """The three rows; the oracle trains as phase 1 did, on target labels."""
    return adaptation_table(
        model, config, steps=phase["source_steps"], batch_size=phase["source_batch_size"],
        optimizer=lambda: keras.optimizers.Adam(phase["source_lr"]),
        source_only=model.pretrained_networks())


def build_parser():
    return _domain.build_parser(
        RECIPE, "ADDA in two phases: the source classifier, then the adversarial "
        "adaptation of the target encoder; then the three-row accuracy table. Every "
        "default below can be overridden.", SOURCE)


def main(argv=None):
    return _domain.run(build_parser(), RECIPE, argv, report=report)


if __name__ == "__main__":
    main()

"""Ganin et al. 2016: DANN on mnist -> mnistm (mnist5k's training digits
-> the synthetic MNIST-M analogue, `tfgan_zoo.data.digit_domains`), with
the paper's MNIST networks, SGD momentum 0.9 from mu_0 = 0.01 annealed as
mu_0 / (1 + 10 p)^0.75, lambda_p = 2 / (1 + exp(-10 p)) - 1, and 64 source
+ 64 target images a step. Afterwards the three-row table (source-only,
DANN, target-oracle; accuracy on the target's test split) goes to
RUN/metrics.json; the exported model is the adapted classifier (image ->
class probabilities)."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.domain import adaptation_table
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="dann", model="dann", dataset="adapt:mnist>mnistm", steps=6000,
                batch_size=64, optimizer="sgd", g_lr=0.01, d_lr=0.01,
                checkpoint_every=1000, log_every=100, epoch_steps=500)


# The three-row table: source-only and target-oracle trained as the run was.
after = adaptation_table


if __name__ == "__main__":
    main(RECIPE, after=after)

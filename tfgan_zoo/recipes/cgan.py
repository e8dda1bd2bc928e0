"""Mirza & Osindero 2014: class-conditional MLP GAN on MNIST digits; sample
grids show one class per column.

Trains on mnist5k's train part (4,500 digits; the 500 held out are for
evaluation). 20,000 steps and an exponential moving average of G (decay
0.999, what `sample`, export and `evaluate` use), gan's setting on the same
MLPs, measured in benchmarks/RESULTS.md's fidelity section: FID 41.0 at
N = 1,000 (target <= 45; 179 at N = 500 for the earlier 5,000 steps without
EMA), 98.1 % of samples read by mnist-cnn as the class asked for, rarest
class 8.0 %, in 10 CPU-minutes."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="cgan", model="cgan", dataset="mnist5k:train", steps=20000,
                batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5, num_samples=100,
                model_args={"ema_decay": 0.999})


if __name__ == "__main__":
    main(RECIPE)

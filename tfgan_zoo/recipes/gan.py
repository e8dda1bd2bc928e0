"""Goodfellow et al. 2014: MLP GAN on real MNIST digits (offline).

Trains on mnist5k's train part (4,500 digits; the 500 held out are for
evaluation) for 30,000 steps with an exponential moving average of G (decay
0.999, what `sample`, export and `evaluate` use).

Two project options over the paper's Algorithm 1, as in the dcgan and lsgan
recipes: one generator forward serves D's and G's update (`reuse_fake`), and
D carries an R1 penalty, (0.1 / 2) ||grad_x D(x)||^2 on the real batch
(Mescheder et al. 2018), computed on every 4th D update and weighted 4 (lazy,
Karras et al. 2020). Measured on the Xeon in bfloat16 (benchmarks/RESULTS.md,
fidelity, "R1 on the MLP GAN"): FID 42.3 at N = 1,000, precision 0.386, every
class >= 5 %, in about 13 CPU-minutes; 45.2 / 0.364 at 20,000 steps (the same
run), against 56.0 / 0.261 for the earlier default (20,000 steps, Algorithm 1,
no R1; the EPYC in float32). The two options were not measured apart.
`--r1-gamma 0.3` put D near chance (loss 1.34 of 1.39) and gave 47.5 at 20,000
steps. Runs started before this default resume with
`--steps 20000 --no-reuse-fake --r1-gamma 0 --r1-every 1`."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="gan", model="gan", dataset="mnist5k:train", steps=30000,
                batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                model_args={"ema_decay": 0.999, "reuse_fake": True,
                            "r1_gamma": 0.1, "r1_every": 4})


if __name__ == "__main__":
    main(RECIPE)

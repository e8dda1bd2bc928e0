"""Gulrajani et al. 2017: WGAN-GP (lambda = 10) on real MNIST digits
(offline), with a measured two time-scale setting as the default.

The same footing as dcgan: mnist5k's train part (4,500 digits; the 500
held out are for evaluation) at 28 px, widths 64 (the paper's MNIST
DIM), and an exponential moving average of G (decay 0.999, batch-norm
statistics re-estimated), which `sample`, export and `evaluate` use.

The paper's setting (5 critic updates per G update, Adam 1e-4 with betas
(0, 0.9), the penalty on every critic update) spends most of a CPU budget
on the critic: its default here, 2,000 G steps with EMA 0.995, took about
20 CPU-minutes for FID 64.2 (precision 0.228; EPYC, float32). This default
trades critic updates for G updates (benchmarks/RESULTS.md, "WGAN-GP with
one critic update"):
  - one critic update per G update (`n_critic` 1), with one fake batch
    serving both (`reuse_fake`), and two time-scale rates (TTUR, Heusel et
    al. 2017): D 4e-4, G 2e-4, Adam betas (0.5, 0.9);
  - the gradient penalty on every 4th critic update, weighted 4
    (`gp_every` 4, lazy as Karras et al. 2020 do for R1);
  - EMA decay 0.999 and 24,000 G steps (about 0.07 CPU-s a step on the
    Xeon in bfloat16: 28.8 CPU-minutes of training, at the budget's edge;
    an AVX2 CPU in float32 would need more).
Measured on the Xeon in bfloat16: FID 23.2 at N = 1,000 (precision
0.515, recall 0.761) after 24,000 steps, seed 0; 23.9 (0.534 / 0.804) for
seed 1 in a fresh run of 28.2 training CPU-minutes; 25.5 at 20,000 and
31.0 at 12,000 steps (seed 0).
The paper's setting stays available: `--n-critic 5 --no-reuse-fake
--gp-every 1 --g-lr 1e-4 --d-lr 1e-4 --beta-1 0`. Runs started before this
default resume with those flags and `--steps 2000 --ema-decay 0.995`."""

from tfgan_zoo.config import Config
from tfgan_zoo.recipes._digits import DIGITS_28
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="wgan_gp", model="wgan_gp", steps=24000,
                **{**DIGITS_28, "g_lr": 2e-4, "d_lr": 4e-4, "beta_1": 0.5, "beta_2": 0.9},
                model_args={"ngf": 64, "ndf": 64, "ema_decay": 0.999, "n_critic": 1,
                            "reuse_fake": True, "gp_every": 4})


if __name__ == "__main__":
    main(RECIPE)

"""Radford et al. 2015: DCGAN at 28x28 on real MNIST digits (offline), then
the latent-space tools of §6: interpolation and class-mean arithmetic.

Trains on mnist5k's train part (4,500 digits; the 500 held out are for
evaluation). Widths 64 and an exponential moving average of G (decay 0.999,
what `sample`, export and `evaluate` use) are the measured setting of
benchmarks/RESULTS.md's fidelity section: on the Xeon (mixed bfloat16) FID
26.9 / precision 0.482 at 12,000 steps against 33.3 / 0.463 at 6,000 (the
same run, resumed, before R1); 65.8 for the first default (32 px, widths
32, 2,000 steps, no EMA).

17,000 steps: with everything below, FID still fell at 12,000 (31.3, 27.6,
25.4, 23.5 at 6,000 / 8,000 / 10,000 / 12,000 steps), and the same run
resumed to 17,000 read FID 21.4 / precision 0.581 / recall 0.775 (Xeon,
bfloat16, one seed), in about 27-29 CPU-minutes there at load 7-11 (about
22 on a quiet Xeon; over 30 on the EPYC at float32, an estimate). A run
started before this default continues to 17,000 steps when re-run;
`--steps 12000` keeps it where it stopped.

Each iteration reuses its fake batch (`reuse_fake`): one generator forward
serves D's and G's update, as in the DCGAN authors' dcgan.torch and
pytorch/examples; `--no-reuse-fake` gives Goodfellow et al.'s Algorithm 1
(fresh noise and a second forward for G's update, the model's own
default). Same quality at 12,000 steps on the Xeon in bfloat16 (FID 27.0 /
precision 0.456 against 26.9 / 0.482, one seed each) for 15 % less CPU
(875 against 1,033 CPU-s), and what puts the step at >= 1.2x the PyTorch
reference on AVX2 CPUs (RESULTS, "Training throughput").
Runs started before this default resume with `--no-reuse-fake`.

D carries an R1 penalty, (0.1 / 2) ||grad_x D(x)||^2 on the real batch
(Mescheder et al. 2018), computed on every 4th D update and weighted 4
(lazy, Karras et al. 2020): D memorises mnist5k's 4,500 digits without it
(RESULTS, "Why dcgan stalls"). On the Xeon in bfloat16 it took FID 27.0 ->
23.5, precision 0.456 -> 0.557 and the rarest class (the 1s) 3.9 % -> 6.6 %
at 12,000 steps, one seed (the penalty on every update: 23.7 / 0.558, for
about 1.6x the CPU). `--r1-gamma 0` turns it off; runs started before this
default resume with `--r1-gamma 0 --r1-every 1`."""

from tfgan_zoo.config import Config
from tfgan_zoo.recipes._digits import DIGITS_28
from tfgan_zoo.reports.latent import write_latent_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="dcgan", model="dcgan", steps=17000, **DIGITS_28,
                model_args={"latent_dim": 100, "ngf": 64, "ndf": 64, "ema_decay": 0.999,
                            "reuse_fake": True, "r1_gamma": 0.1, "r1_every": 4})


# After training: the latent-space grids of Radford et al. §6.
after = write_latent_report


if __name__ == "__main__":
    main(RECIPE, after=after)

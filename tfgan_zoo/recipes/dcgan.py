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
(benchmarks/history/fidelity.md, "Why dcgan stalls"). On the Xeon in
bfloat16 it took FID 27.0 -> 23.5, precision 0.456 -> 0.557 and the rarest
class (the 1s) 3.9 % -> 6.6 % at 12,000 steps, one seed (the penalty on
every update: 23.7 / 0.558, for about 1.6x the CPU). `--r1-gamma 0` turns
it off; runs started before this default resume with `--r1-gamma 0
--r1-every 1`.

Two time-scale rates (TTUR, Heusel et al. 2017), as the wgan_gp recipe
has them: D 4e-4 and G 2e-4 with Adam betas (0.5, 0.9), and both rates
decayed linearly to 0 over the last quarter of the run (`decay_after`
0.75, from step 12,750). Measured on the Xeon in bfloat16, seed 0, one
fresh run (RESULTS, "TTUR and a late decay"): FID 21.1 / precision 0.586 /
recall 0.799 at 17,000 steps against the R1 default's 21.4 / 0.581 / 0.775;
ahead by 1.8-2.0 FID at 6,000-8,000 steps, by 0.5 at 12,000 (before the
decay). From the same 12,000-step state without the decay: 21.0 / 0.542 /
0.757, so the decay is what buys the precision; with EMA 0.9995 instead of
0.999: 21.0 / 0.574 / 0.788. All within one seed's noise. 21.8 training
CPU-minutes for the fresh run (export and latent report included) at load
16-21. Runs started before this default resume
with `--d-lr 2e-4 --beta-2 0.999 --decay-after None`.

Tries measured and not taken (DiffAugment translation on top of this
default, an earlier decay from 0.6 of the run with and without it,
adaptive augmentation, and others) are in benchmarks/RESULTS.md's fidelity
section. ADA (`--ada-target 0.6`: translation on each image with a
probability p steered by E[sign(D(real))], Karras et al. 2020), one fresh
run on the Xeon in bfloat16, seed 0: FID 20.6 / precision 0.519 / recall
0.813 at 17,000 steps against this default's 21.1 / 0.586 / 0.799; p
rose to 0.47 by 12,000 steps and to 0.85 during the decay, where D grew
confident again. The same run resumed from its 12,000-step state with p
frozen there (`--ada-until 0.7059`, p 0.473 to the end): 21.4 / 0.528 /
0.785: freezing p did not bring the precision back; with ADA the decay
bought none (0.529 at 12,000), where the default's buys +0.044. A higher
target with the freeze at the decay (`--ada-target 0.7 --ada-until 0.75`,
one fresh run, seed 0: p 0.23 from step 12,750): 21.1 / 0.576 / 0.811,
this default's figures within a seed's noise; the decay bought +0.039
precision (0.537 at 12,000). The same 12,000-step state with p returned
to 0 at the decay instead (`--ada-reset`, no augmentation from step
12,750): 21.1 / 0.552 / 0.791; D grew confident at once (E[sign(D(x))]
0.99 by 17,000) and the decay bought only +0.015. EMA 0.998 from this
default's own 12,000-step state: 21.0 / 0.568 / 0.802, precision lost as
with 0.9995. Both seed 0, on the Xeon in bfloat16, one leg each. From the
same state to 17,000: batch 128 (`--batch-size 128`): 20.5 / 0.572 /
0.814, FID gained and precision lost, at ≈ 1.7 times the leg's CPU; G's
rate decayed alone (`--no-decay-discriminator`): 21.0 / 0.547 / 0.813;
D's alone (`--no-decay-generator`): 21.1 / 0.577 / 0.797 (0.542 without
any decay). One leg each, seed 0, Xeon, bfloat16.
Per-player starts and floors (`--decay-after-discriminator`,
`--decay-floor-generator`): D's decay from 0.6 of the run, G's from 0.75
(from the 10,000-step state): 21.2 / 0.549 / 0.804; D's from 0.85 (from
12,000): 21.0 / 0.565 / 0.793; G's rate ending at a quarter of its own
while D's goes to 0 (`--decay-floor-generator 0.25`, from 12,000): 21.0 /
0.556 / 0.796. None beats this default (seed 0, one leg each), and none
is told apart from it: this default's own setting from the same
12,000-step state with another data order (`--seed 1`, `--seed 2`) reads
21.4 / 0.565 and 20.9 / 0.556, so one 5,000-step leg moves precision by
0.03 by itself. More R1 while the rates fall (`--decay-r1-gamma 0.3`:
gamma 0.3 instead of 0.1 from step 12,750, where D's decay starts), from
the same 12,000-step state with the same three data orders: 21.5 / 0.544,
21.0 / 0.579, 21.9 / 0.552 (mean 21.45 / 0.558 against this setting's
21.11 / 0.569), recall 0.801 (0.793): a tie in precision, FID 0.3 worse
on the mean; not taken. Xeon, bfloat16 (auto). The reading's own noise:
this default's 17,000-step generator read with other draws of z
(`evaluate --seed 1`, `--seed 2`; the benchmark reads `--seed 0`) gives
FID 20.9 / precision 0.560 and 22.7 / 0.553 against 21.1 / 0.586, so the
draw of z alone moves precision as much as a leg's data order does.
Top-k training (`--top-k-gamma 0.99 --top-k-min 0.5`, Sinha et al. 2020:
G's loss on the half of its batch D rates best from about step 4,800),
fresh runs on the Xeon in bfloat16 (auto): FID 22.3 / precision 0.534
(seed 0) and 22.6 / 0.519 (seed 1) against this default's 21.1 / 0.586
and 21.2 / 0.579; worse on both figures and both seeds; not taken."""

from tfgan_zoo.config import Config
from tfgan_zoo.recipes._digits import DIGITS_28
from tfgan_zoo.reports.latent import write_latent_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="dcgan", model="dcgan", steps=17000,
                **{**DIGITS_28, "d_lr": 4e-4, "beta_2": 0.9},
                model_args={"latent_dim": 100, "ngf": 64, "ndf": 64, "ema_decay": 0.999,
                            "reuse_fake": True, "r1_gamma": 0.1, "r1_every": 4,
                            "decay_after": 0.75})


# After training: the latent-space grids of Radford et al. §6.
after = write_latent_report


if __name__ == "__main__":
    main(RECIPE, after=after)

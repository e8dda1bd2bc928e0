"""Esteban et al. 2017: RCGAN on the paper's MNIST experiment (§5.1): mnist5k
digits 0, 1 and 2 at 14x14, read as 14 steps of 14 values, generated
conditionally on the digit; per-step noise of 5, LSTMs of 100 units, one G
update per D update, batch 28; D trained by plain gradient descent at 0.1,
G by Adam at 1e-3 (TF's default beta_1 0.9): the reference settings and
optimizers, which end the within-class collapse that Adam for both players
showed (benchmarks/RESULTS.md). 10,000 steps, about 3 CPU-minutes. Afterwards
RUN/report/report.json holds TSTR (a random forest trained on as many
samples as there are training digits, tested on the 500 held-out digits'
0-2) against TRTR, MMD and the memorisation check; RUN/report/samples.png
the rows of samples as line plots. `--dataset sines` trains on the paper's
sine waves, `--dataset basic_motions` on sktime's BasicMotions."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.sequence import write_series_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="rcgan", model="rcgan", dataset="mnist_seq", steps=10000,
                batch_size=28, g_lr=1e-3, d_lr=0.1, beta_1=0.9, d_optimizer="gd",
                num_samples=32, sample_every=1000, checkpoint_every=1000, mixed_precision="none",
                jit_compile=False,
                model_args={"noise_dim": 5, "hidden_units": 100, "g_steps": 1})

after = write_series_report


if __name__ == "__main__":
    main(RECIPE, after=after)

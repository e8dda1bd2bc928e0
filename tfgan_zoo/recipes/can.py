"""Elgammal et al. 2017: CAN on DCGAN players, with the ten MNIST digits of
mnist5k:train as the "styles" (as mlberkeley's MNIST run; WikiArt is not
available offline), lambda = 1, at 28 px. `--style-weight 0` trains the
baseline: the same model without the style-ambiguity term.

Measured (benchmarks/can_ambiguity.py, one seed, bf16 on an AMX Xeon, about
80 CPU-s a run): mnist-cnn's mean style entropy H / ln K 0.378 against
0.166 at lambda = 0 (+0.21), but fd[mnist-cnn] 2.44x the baseline's: G
draws off-manifold glyphs. The softmax variant, `--style-after 0.5` and an
EMA of G each left the ratio at 2.3-2.4x (benchmarks/RESULTS.md, CAN).
A second seed reads +0.24 / 2.65x. With Fashion-MNIST's classes as the
styles (`--dataset fashion_mnist_local`, needs `apt-get install
dataset-fashion-mnist`; read by fashion-cnn), two seeds: +0.26 / +0.29,
fd 2.43x / 2.51x (fd[mnist-cnn] 3.25x / 3.73x); lambda 0.5 there +0.21 /
+0.24 at 2.13x: G draws cross-category chimeras (tops on shoe soles), not
garment blends."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="can", model="can", dataset="mnist5k:train", steps=2000,
                batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                model_args={"ngf": 32, "ndf": 32, "style_weight": 1.0})


if __name__ == "__main__":
    main(RECIPE)

"""Berthelot et al. 2017: BEGAN on mnist5k's 4,500 training digits at 32x32
(Adam with beta_1 = 0.5, batch 16). k_t and M_global are logged as `k` and
`m_global`.

Four settings differ from the paper's CelebA run, each from the probes in
benchmarks/RESULTS.md (Image GANs II; `benchmarks/began_probe.py`):
G's linear last layer starts at black (`g_output_bias` -1, MNIST's
background; from mid-grey G stayed grey with L(G) above gamma L(x), so k_t
never rose); D learns at 1e-3 (G at the paper's 1e-4), so it auto-encodes
digits within a few hundred steps; lambda_k = 0.01 lets the controller act
within a 3,000-step run (the paper's 0.001 moves k by about 1e-5 a step);
and gamma = 1. On mostly black digits the L1 error grows with the ink, so
at gamma 0.5 a faint blob met the equilibrium (the measured 2,250-step run
drew near-black images); at gamma 1 a 600-step probe drew varied strokes.
The 3,000-step default (13.6 CPU-min) draws sharp strokes, mostly 1s."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="began", model="began", dataset="mnist5k:train", image_size=32,
                steps=3000, batch_size=16, g_lr=1e-4, d_lr=1e-3, beta_1=0.5,
                model_args={"filters": 32, "hidden_dim": 64, "latent_dim": 64,
                            "gamma": 1.0, "lambda_k": 0.01, "g_output_bias": -1.0})


if __name__ == "__main__":
    main(RECIPE)

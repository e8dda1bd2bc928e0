"""Karras et al. 2018: Progressive GAN on mnist5k's 4,500 training digits,
grown 4 -> 8 -> 16 -> 32 (WGAN-GP + drift, Adam 1e-3 with betas (0, 0.99),
EMA of G), small feature maps for a CPU. The EMA decay is 0.99, not the
paper's 0.999: the official horizon (1,000 steps of 16 images) is a
fortieth of a 600k-image phase, while here a phase is 800 steps; at 0.999
the averaged G still drew noise at step 1,800 while the trained G drew
varied digits (benchmarks/history/image_gans_ii.md)."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="progan", model="progan", dataset="mnist5k:train", image_size=32,
                steps=4000, batch_size=32, g_lr=1e-3, d_lr=1e-3, beta_1=0.0, beta_2=0.99,
                model_args={"fmap_base": 256, "fmap_max": 64, "stabilize_steps": 400,
                            "fade_steps": 400, "ema_decay": 0.99})


if __name__ == "__main__":
    main(RECIPE)

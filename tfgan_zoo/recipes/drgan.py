"""Tran et al. 2017: DR-GAN on procedural 3-D heads (offline stand-in for
Multi-PIE): 160 training identities at 13 yaws (-60..+60 degrees); after
training, the 20 held-out identities of heads:test are frontalised and
scored (RUN/rotation/report.json: SSIM to the true frontal render, pose
read by D^p and by the heads-pose-cnn judge, verification EER of encoder
features; grid.png). G edits through an average of its weights (EMA
0.995, about the last 200 steps; not in the paper): the raw G's outputs
are speckled, and the average is what brings SSIM to the frontal render
over 0.6 (RESULTS part B; `benchmarks/drgan_raw_vs_ema.py RUN` reads both
from one run)."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.rotation import write_rotation_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="drgan", model="drgan", dataset="heads", image_size=32,
                steps=2000, batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                model_args={"latent_dim": 64,
                            "ngf": 32, "ndf": 32, "nef": 32, "ema_decay": 0.995})

after = write_rotation_report


if __name__ == "__main__":
    main(RECIPE, after=after)

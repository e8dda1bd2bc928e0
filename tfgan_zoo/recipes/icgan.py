"""Perarnau et al. 2016: IcGAN on real MNIST digits (offline): a
conditional DCGAN with encoders E_z and E_y, trained on mnist5k's 4,500
training digits; afterwards the 500 held-out digits are reconstructed and
redrawn as every other class (RUN/editing/report.json, edits.png)."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.editing import write_editing_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="icgan", model="icgan", dataset="mnist5k:train", image_size=28,
                steps=3000, batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                model_args={"latent_dim": 32, "ngf": 32, "ndf": 32, "nef": 32})

after = write_editing_report


if __name__ == "__main__":
    main(RECIPE, after=after)

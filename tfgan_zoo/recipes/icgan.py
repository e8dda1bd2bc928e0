"""Perarnau et al. 2016: IcGAN on real MNIST digits (offline): a
conditional DCGAN with encoders E_z and E_y, trained on mnist5k's 4,500
training digits; afterwards the 500 held-out digits are reconstructed and
redrawn as every other class (RUN/editing/report.json, edits.png)."""

from tfgan_zoo.config import Config
from tfgan_zoo.recipes._digits import DIGITS_28
from tfgan_zoo.reports.editing import write_editing_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="icgan", model="icgan", steps=3000, **DIGITS_28,
                model_args={"latent_dim": 32, "ngf": 32, "ndf": 32, "nef": 32})

after = write_editing_report


if __name__ == "__main__":
    main(RECIPE, after=after)

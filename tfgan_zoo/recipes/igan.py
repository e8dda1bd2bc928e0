"""Zhu et al. 2016: iGAN on real MNIST digits (offline): a DCGAN and its
projection network P trained on mnist5k's 4,500 training digits;
afterwards 200 of the 500 held-out digits (mnist5k:test, never trained
on) are projected by P alone, by optimisation alone and by the hybrid at
equal steps, and edited by colour strokes copied from another held-out
digit (RUN/manipulation/report.json, edits.png, morph.png)."""

from tfgan_zoo.config import Config
from tfgan_zoo.recipes._digits import DIGITS_28
from tfgan_zoo.reports.manipulation import write_manipulation_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="igan", model="igan", steps=4000, **DIGITS_28,
                model_args={"latent_dim": 32, "ngf": 32, "ndf": 32, "nef": 32})

after = write_manipulation_report


if __name__ == "__main__":
    main(RECIPE, after=after)

"""Denton et al. 2015: class-conditional LAPGAN on mnist5k's 4,500 training
digits at 32x32, an 8 -> 16 -> 32 pyramid. Afterwards the pyramid report:
each level's contribution to a sample grid."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.pyramid import write_pyramid_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="lapgan", model="lapgan", dataset="mnist5k:train", image_size=32,
                steps=3000, batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                num_samples=100, model_args={"levels": 3, "filters": 32,
                                              "coarse_hidden": (256, 256)})

after = write_pyramid_report


if __name__ == "__main__":
    main(RECIPE, after=after)

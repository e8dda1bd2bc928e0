"""Arjovsky et al. 2017: WGAN with weight clipping (c = 0.01), RMSProp
5e-5 and 5 critic steps per generator step, on MNIST at 32x32."""

from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="wgan", model="wgan", dataset="mnist5k:train", image_size=32,
                steps=2000, batch_size=64, optimizer="rmsprop", g_lr=5e-5,
                d_lr=5e-5, model_args={"ngf": 32, "ndf": 32})


if __name__ == "__main__":
    main(RECIPE)

"""Miyato & Koyama 2018 with BigGAN's extras: a class-conditional SN-ResNet
GAN with a projection discriminator, hinge loss, a shared class embedding
with hierarchical z, orthogonal regularisation and an EMA generator, on
the 4,500 training digits of mnist5k at 28 px (the 500 held out are the
evaluation classifier's). Sample grids show one class per column; after
training, RUN/latent/truncation.png shows the truncation trick."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.latent import write_truncation_grid
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="sngan", model="sngan", dataset="mnist5k:train", steps=2000,
                batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.0, beta_2=0.9,
                num_samples=100,
                model_args={"ngf": 32, "ndf": 32, "shared_dim": 32, "latent_dim": 60,
                            "n_critic": 1, "ema_decay": 0.99})


# After training: a grid of samples at decreasing truncation psi.
after = write_truncation_grid


if __name__ == "__main__":
    main(RECIPE, after=after)

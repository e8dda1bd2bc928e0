"""Radford et al. 2015: DCGAN at 32x32 on real MNIST digits (offline), then
the latent-space tools of §6: interpolation and class-mean arithmetic."""

from tfgan_zoo.config import Config

RECIPE = Config(recipe="dcgan", model="dcgan", dataset="mnist5k", image_size=32,
                steps=2000, batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                model_args={"latent_dim": 100, "ngf": 32, "ndf": 32})


def after(model, config):
    from tfgan_zoo.latent import write_latent_report
    write_latent_report(model, config)


if __name__ == "__main__":
    from tfgan_zoo.trainer import main
    main(RECIPE, after=after)

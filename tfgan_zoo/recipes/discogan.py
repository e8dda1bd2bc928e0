"""Kim et al. 2017: DiscoGAN on the embedded photo2recolor domains (unpaired,
offline) at 32x32: encoder-decoder generators, encoder discriminators, GAN
loss plus MSE reconstruction weighted 10 (eq. 5 weighs it 1; here the GAN
terms then dominated, see benchmarks/history/image2image.md), Adam 2e-4
(beta_1 0.5). Afterwards the
held-out cycle-reconstruction error (and PSNR/SSIM/MAE against the known
recolouring) go to RUN/metrics.json."""

from tfgan_zoo.config import Config

RECIPE = Config(recipe="discogan", model="discogan", dataset="photo2recolor",
                image_size=32, steps=1500, batch_size=16, g_lr=2e-4, d_lr=2e-4,
                beta_1=0.5, sample_every=500, checkpoint_every=500, num_samples=16,
                model_args={"ngf": 32, "ndf": 32, "depth": 3,
                            "reconstruction_weight": 10.0})


def after(model, config):
    from tfgan_zoo.image2image import write_translation_report
    write_translation_report(model, config)


if __name__ == "__main__":
    from tfgan_zoo.trainer import main
    main(RECIPE, after=after)

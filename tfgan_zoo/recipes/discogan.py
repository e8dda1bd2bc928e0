"""Kim et al. 2017: DiscoGAN on the embedded photo2recolor domains (unpaired,
offline) at 32x32: encoder-decoder generators, encoder discriminators, GAN
loss plus MSE reconstruction weighted 10 (eq. 5 weighs it 1; here the GAN
terms then dominated, see benchmarks/history/image2image.md), Adam 2e-4
(beta_1 0.5). Afterwards the
held-out cycle-reconstruction error (and PSNR/SSIM/MAE against the known
recolouring) go to RUN/metrics.json."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.image2image import write_translation_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="discogan", model="discogan", dataset="photo2recolor",
                image_size=32, steps=1500, batch_size=16, g_lr=2e-4, d_lr=2e-4,
                beta_1=0.5, sample_every=500, checkpoint_every=500, num_samples=16,
                model_args={"ngf": 32, "ndf": 32, "depth": 3,
                            "reconstruction_weight": 10.0})


# Held-out measurements and pictures of the trained model (`reports`).
after = write_translation_report


if __name__ == "__main__":
    main(RECIPE, after=after)

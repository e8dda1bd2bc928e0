"""Schlegl et al. 2017 / 2019: AnoGAN and f-AnoGAN on real MNIST digits
(offline), one-class: the GAN and its izif encoder see digits 0-8 of
mnist5k's training part only; afterwards every held-out digit
(mnist5k:test) is scored by the Gamma-step z search and by one encoder
pass, with 9 as the anomaly (AUROC, EER, time per query in
RUN/anomaly/report.json). `benchmarks/anogan_one_class.py` rotates the
anomaly over all ten digits."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.anomaly import write_anomaly_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="anogan", model="anogan", dataset="mnist5k:train:normal=0-8",
                image_size=28, steps=3000, batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                model_args={"latent_dim": 32, "ngf": 32, "ndf": 32, "nef": 32,
                            "search_steps": 200})

after = write_anomaly_report


if __name__ == "__main__":
    main(RECIPE, after=after)

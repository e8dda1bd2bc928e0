"""Yoo et al. 2016: PixelDTGAN on lookbook (procedural mannequins wearing a
tinted Fashion-MNIST item -> the clean 32x32 product, a LookBook
stand-in, `tfgan_zoo.data.figures`; needs `apt-get install
dataset-fashion-mnist`): the converter against a real/fake and an
association discriminator, Adam 2e-4 (beta_1 0.5), widths 32 (the Lua port:
96 at 64x64). Afterwards, on the test pairs, how often `products-cnn` (a
classifier of the training split's clean products) reads the right garment
class on C(figure), and SSIM to the true product, in RUN/metrics.json and
RUN/products.png. `--no-association` is the D_R-only ablation
(benchmarks/pixeldtgan_association.py runs both over three seeds)."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.cross_domain import product_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="pixeldtgan", model="pixeldtgan", dataset="lookbook", steps=3000,
                batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5, sample_every=500,
                checkpoint_every=500, log_every=100, epoch_steps=500, num_samples=16,
                model_args={"ngf": 32, "ndf": 32})

after = product_report


if __name__ == "__main__":
    main(RECIPE, after=after)

"""Yoo et al. 2016: PixelDTGAN on lookbook (procedural mannequins wearing a
tinted Fashion-MNIST item -> the clean 32x32 product, a LookBook
stand-in, `tfgan_zoo.data.figures`; needs `apt-get install
dataset-fashion-mnist`): the converter against a real/fake and an
association discriminator, Adam 2e-4 (beta_1 0.5), widths 32 (the Lua port:
96 at 64x64). Afterwards, on the test pairs, how often `products-cnn` (a
classifier of the training split's clean products) reads the right garment
class on C(figure), and SSIM to the true product, in RUN/metrics.json and
RUN/products.png. `--no-association` is the D_R-only ablation
(benchmarks/pixeldtgan_association.py runs both over three seeds).

The recipe adds an L1 term to the paired product, weighted 100 (pix2pix's
lambda), to C's loss beside both discriminators (`pixel_weight`, a project
option: the paper and the model's default have none). Measured on the Xeon
in bfloat16, named (benchmarks/RESULTS.md, domain adaptation), on the
lookbook stand-in as drawn since 2026-12-06 21:00 UTC (tops 0.48 body
heights, coats 0.62, shoes 0.48): products-cnn reads the garment class on
0.728 / 0.740 of the test pairs at 3,000 steps (seeds 0 / 1), SSIM 0.360 /
0.377, in 19.4 / 20.7 CPU-minutes (bf16 named; `auto` runs this recipe in
float32 on that CPU, about 1.6 times the step time). Seed 0, one run each:
the weight before, 10, read 0.584 (0.573 and 0.525 on the two earlier
drawings), C on L1 alone (no discriminators) 0.694, and the paper's
objective 0.221 on the earliest drawing. All are short of the issue's 0.80; products-cnn's network trained
on the figures themselves reads 0.766 of the test figures (0.743 and 0.702
on the earlier drawings), so the stand-in's figures, not only the
converter, still hold the reading down. Runs started before this default
resume with `--pixel-weight 10` (started before 2026-12-06 16:35 UTC:
`--pixel-weight 0`, which is also the paper's objective).

`--reader NAME` picks the report's classifier (default `products-cnn`, as
every figure above; `catalogue-cnn` was trained on all 60,000 Fashion-MNIST
training items drawn as products, `tfgan_zoo.evaluation.classifiers`)."""

import functools
import sys

from tfgan_zoo.cli import without_flags
from tfgan_zoo.config import Config, build_parser
from tfgan_zoo.reports.cross_domain import (PRODUCT_READER, PRODUCT_READERS,
                                           product_report)
from tfgan_zoo.training.trainer import main as train_main

RECIPE = Config(recipe="pixeldtgan", model="pixeldtgan", dataset="lookbook", steps=3000,
                batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5, sample_every=500,
                checkpoint_every=500, log_every=100, epoch_steps=500, num_samples=16,
                model_args={"ngf": 32, "ndf": 32, "pixel_weight": 100.0})

def main(argv=None):
    """The trainer's command line and --reader, the report's classifier."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(RECIPE)
    parser.add_argument_group("report").add_argument(
        "--reader", default=PRODUCT_READER, choices=PRODUCT_READERS,
        help="the classifier of clean products that reads the garment class on C(figure) "
             "(catalogue-cnn: trained on all 60,000 Fashion-MNIST training items as products)")
    reader = parser.parse_args(argv).reader  # every flag checked, --help answered
    return train_main(RECIPE, without_flags(argv, ["--reader"]),
                      after=functools.partial(product_report, reader=reader))


if __name__ == "__main__":
    main()

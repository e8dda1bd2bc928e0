"""Pathak et al. 2016: Context Encoder inpainting of the central quarter of
32x32 photo patches (the embedded `inpaint:center` data, offline), with the
channel-wise fully connected bottleneck, L = 0.999 masked L2 + 0.001
adversarial, Adam(2e-4, beta_1 0.5). Pass --mask random for random block
holes.

Three project options, each measured in benchmarks/RESULTS.md (pass
`--fill none --reconstruction mse --augment False` for the paper's
setting): the generator sees the hole pre-filled by a smooth diffusion from
the context and the mask, and predicts a residual over that fill (`fill
diffusion`: it starts at the classical fill, and colours come from the
context); the hole's error is minimised in dB per image (`reconstruction
log_mse`: the plain MSE let the network add errors to smooth patches); and
training images are flipped, transposed, channel-permuted and inverted
(`augment`). `--generator unet` swaps the bottleneck encoder-decoder for
a U-Net with skips over the same fill; measured, it adds nothing either
(hole PSNR 30.70 dB, the fill 30.68, biharmonic 32.24). Afterwards
whole-image and hole-only PSNR/SSIM/MAE on held-out photos, with grey-fill
and biharmonic-inpainting baselines, go to RUN/metrics.json and a masked |
filled | truth grid to RUN/inpainting.png."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.image2image import context_encoder_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="context_encoder", model="context_encoder",
                dataset="inpaint:center", image_size=32, steps=1500, batch_size=16,
                g_lr=2e-4, d_lr=2e-4, beta_1=0.5, sample_every=500,
                checkpoint_every=500, num_samples=16,
                model_args={"ngf": 32, "ndf": 32, "fill": "diffusion",
                            "reconstruction": "log_mse", "augment": True})


# Held-out measurements and pictures of the trained model (`reports`).
after = context_encoder_report


if __name__ == "__main__":
    main(RECIPE, after=after)

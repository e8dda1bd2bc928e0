"""Huang et al. 2018: MUNIT between photo patches and their hue-rotated
recolouring (the embedded unpaired `photo2recolor` data, 32x32, offline),
with a narrow network (16 wide, 2 residual blocks, 8-d styles, 2-scale
discriminators), the paper's weights (λ_x 10, λ_c 1, λ_s 1) and
Adam(1e-4, beta_1 0.5). Afterwards, on the aligned held-out pairs:
translations with random and with target-encoded styles, the diversity over
8 styles, reconstruction and cycle errors go to RUN/metrics.json and a grid
(source, target-style output, target, three random styles) to
RUN/multimodal.png."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.image2image import munit_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="munit", model="munit", dataset="photo2recolor",
                image_size=32, steps=1200, batch_size=8, g_lr=1e-4, d_lr=1e-4,
                beta_1=0.5, sample_every=400, checkpoint_every=400, num_samples=16,
                model_args={"dim": 16, "n_res": 2, "mlp_dim": 64, "ndf": 16,
                            "d_layers": 3, "d_scales": 2, "style_downsample": 3})


# Held-out measurements and pictures of the trained model (`reports`).
after = munit_report


if __name__ == "__main__":
    main(RECIPE, after=after)

"""Reed et al. 2016b: GAWWN, what (a caption) and where (bounding boxes) to
draw, on the embedded captioned shapes, offline: the text encoder, then the
GAN at 32 px. Each shapes scene has one box per object; the report draws
the captions in their scenes' boxes.

    OUT/encoder/  OUT/gan/  OUT/report/  OUT/models/   (see tfgan_zoo.text.recipe)

--image-size 64 is the paper's (16x16 local grid).
"""

from __future__ import annotations

from tfgan_zoo.config import Config
from tfgan_zoo.recipes import _text2image as recipe

RECIPE = Config(recipe="gawwn", model="gawwn", dataset="shapes_captions", image_size=32,
                steps=2000, batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                jit_compile=True, sample_every=500, checkpoint_every=500, num_samples=64,
                epoch_steps=100,
                model_args={"latent_dim": 32, "condition_dim": 32, "embedding_dim": 64,
                            "word_dim": 32, "text_hidden": 64, "ngf": 32, "ndf": 32})


def build_parser():
    return recipe.build_parser(
        RECIPE, "GAWWN in two phases: text encoder, then the box-conditional GAN; then "
        "captioned grids, faithfulness and exports. Every default below can be overridden.")


phases = recipe.gan_phase("GAWWN")


def main(argv=None):
    return recipe.run(build_parser(), RECIPE, phases, argv, name="gawwn")


if __name__ == "__main__":
    main()

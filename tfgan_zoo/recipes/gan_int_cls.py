"""Reed et al. 2016: GAN-INT-CLS, text to image, on the embedded captioned
shapes, offline: the text encoder (BiGRU, DS-SJE), then the GAN at 32 px
with the matching-aware discriminator and interpolated captions.

    OUT/encoder/  OUT/gan/  OUT/report/  OUT/models/   (see tfgan_zoo.recipes._text2image)

--interpolation False trains GAN-CLS alone; --image-size 64 is the paper's.
"""

from __future__ import annotations

from tfgan_zoo.config import Config
from tfgan_zoo.recipes import _text2image as recipe

RECIPE = Config(recipe="gan_int_cls", model="gan_int_cls", image_size=32, **recipe.SHAPES,
                model_args=dict(recipe.WIDTHS))


build_parser, main = recipe.one_gan_recipe(RECIPE, "GAN-INT-CLS")


if __name__ == "__main__":
    main()

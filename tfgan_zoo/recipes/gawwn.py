"""Reed et al. 2016b: GAWWN, what (a caption) and where (bounding boxes) to
draw, on the embedded captioned shapes, offline: the text encoder, then the
GAN at 32 px. Each shapes scene has one box per object; the report draws
the captions in their scenes' boxes.

    OUT/encoder/  OUT/gan/  OUT/report/  OUT/models/   (see tfgan_zoo.recipes._text2image)

--image-size 64 is the paper's (16x16 local grid).
"""

from __future__ import annotations

from tfgan_zoo.config import Config
from tfgan_zoo.recipes import _text2image as recipe

RECIPE = Config(recipe="gawwn", model="gawwn", image_size=32, **recipe.SHAPES,
                model_args=dict(recipe.WIDTHS))


build_parser, main = recipe.one_gan_recipe(RECIPE, "GAWWN")


if __name__ == "__main__":
    main()

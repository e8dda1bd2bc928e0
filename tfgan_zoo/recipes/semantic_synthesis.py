"""Dong et al. 2017: semantic image synthesis, editing an image to match a
sentence, on the embedded captioned shapes, offline: the text encoder, then
the GAN at 32 px. The report shows test images edited to other captions.

    OUT/encoder/  OUT/gan/  OUT/report/  OUT/models/   (see tfgan_zoo.recipes._text2image)

The exported model takes `image` (float32 [B, 32, 32, 3] in [-1, 1]) and
`text`; an image of another size is refused.
"""

from __future__ import annotations

from tfgan_zoo.config import Config
from tfgan_zoo.recipes import _text2image as recipe

RECIPE = Config(recipe="semantic_synthesis", model="semantic_synthesis", image_size=32,
                **recipe.SHAPES,
                model_args={"condition_dim": 32, "embedding_dim": 64, "word_dim": 32,
                            "text_hidden": 64, "ngf": 32, "ndf": 32, "residual_blocks": 2})


def source_column(model):
    """The image edited in each row's first edit."""
    def draw(text, seed):
        return model.source_images(4 if isinstance(text, str) else len(text), seed)
    return draw, "source"


build_parser, main = recipe.one_gan_recipe(RECIPE, "semantic image synthesis",
                                           grids="edit grids", before=source_column)


if __name__ == "__main__":
    main()

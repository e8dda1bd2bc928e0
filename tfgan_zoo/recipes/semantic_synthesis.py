"""Dong et al. 2017: semantic image synthesis, editing an image to match a
sentence, on the embedded captioned shapes, offline: the text encoder, then
the GAN at 32 px. The report shows test images edited to other captions.

    OUT/encoder/  OUT/gan/  OUT/report/  OUT/models/   (see tfgan_zoo.text.recipe)

The exported model takes `image` (float32 [B, 32, 32, 3] in [-1, 1]) and
`text`; an image of another size is refused.
"""

from __future__ import annotations

from tfgan_zoo.config import Config
from tfgan_zoo.recipes import _text2image as recipe

RECIPE = Config(recipe="semantic_synthesis", model="semantic_synthesis",
                dataset="shapes_captions", image_size=32, steps=2000, batch_size=64,
                g_lr=2e-4, d_lr=2e-4, beta_1=0.5, jit_compile=True, sample_every=500,
                checkpoint_every=500, num_samples=64, epoch_steps=100,
                model_args={"condition_dim": 32, "embedding_dim": 64, "word_dim": 32,
                            "text_hidden": 64, "ngf": 32, "ndf": 32, "residual_blocks": 2})


def build_parser():
    return recipe.build_parser(
        RECIPE, "Semantic image synthesis in two phases: text encoder, then the GAN; then "
        "edit grids, faithfulness and exports. Every default below can be overridden.")


phases = recipe.gan_phase("semantic image synthesis")


def source_column(model):
    """The image edited in each row's first edit."""
    def draw(text, seed):
        return model.source_images(4 if isinstance(text, str) else len(text), seed)
    return draw, "source"


def main(argv=None):
    return recipe.run(build_parser(), RECIPE, phases, argv, name="semantic_synthesis",
                      before=source_column)


if __name__ == "__main__":
    main()

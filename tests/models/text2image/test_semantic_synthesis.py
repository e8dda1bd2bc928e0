"""Semantic image synthesis (Dong et al. 2017): it edits source images (no
noise input) of its own size, and says how to fix any other size."""

import numpy as np
import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.models.text2image.semantic_synthesis import SemanticSynthesis


def test_semantic_synthesis_edits_images_of_its_size_only():
    model = SemanticSynthesis(image_shape=(16, 16, 3), seed=0, **SemanticSynthesis.test_config)
    assert "z" not in model.generator_input_spec() and model.latent_dim == 0
    sources = model.source_images(2)
    edited = model.edit(sources, ["a small red circle", "a large blue square"])
    assert edited.shape == (2, 16, 16, 3)
    with pytest.raises(UserError, match="resize the image to 16x16"):
        model.edit(np.zeros((1, 32, 32, 3)), ["a small red circle"])

"""MUNIT (Huang et al. 2018): different styles give different outputs, and
the style acts only through AdaIN."""

import numpy as np

from tfgan_zoo.models.image2image.munit import MUNIT


def test_munit_different_styles_give_different_outputs():
    model = MUNIT(image_shape=(16, 16, 3), style_dim=4, dim=8, n_res=1,
                  style_downsample=2, mlp_dim=16, ndf=4, d_layers=2, d_scales=2, seed=0)
    image = np.random.default_rng(0).uniform(-1, 1, (16, 16, 3)).astype("float32")
    outputs = model.sample_styles(image, 4, seed=1)
    assert outputs.shape == (4, 16, 16, 3)
    for i in range(4):
        for j in range(i + 1, 4):
            assert np.abs(outputs[i] - outputs[j]).mean() > 1e-4
    np.testing.assert_array_equal(outputs, model.sample_styles(image, 4, seed=1))
    # The style acts only through AdaIN: one style, one output.
    style = np.tile(np.random.default_rng(2).standard_normal((1, 4)), (2, 1))
    same = model.translate(np.stack([image, image]), style).numpy()
    np.testing.assert_allclose(same[0], same[1], atol=1e-6)
    assert set(model.generator_input_spec()) == {"image", "style"}
    assert model.encode_style(image[None]).shape == (1, 4)

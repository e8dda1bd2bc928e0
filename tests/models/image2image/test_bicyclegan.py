"""BicycleGAN (Zhu et al. 2017): z changes the output, and the encoder E,
a third player with its own optimizer, encodes an image to z."""

import numpy as np

from tfgan_zoo.models.image2image.bicyclegan import BicycleGAN


def test_bicyclegan_z_changes_the_output_and_e_encodes():
    model = BicycleGAN(image_shape=(16, 16, 3), ngf=8, ndf=8, nef=8, d_layers=2,
                       encoder_blocks=2, seed=0)
    image = np.random.default_rng(0).uniform(-1, 1, (16, 16, 3)).astype("float32")
    outputs = model.sample_outputs(image, 3, seed=1)
    assert outputs.shape == (3, 16, 16, 3)
    assert np.abs(outputs[0] - outputs[1]).mean() > 1e-4
    assert model.encode(image[None]).shape == (1, 8)
    assert model.players == ("generator", "discriminator", "encoder")

"""DiffAugment in the noise-to-image base: with --diff-augment the
discriminator sees only augmented images, real and fake, in both players'
steps; without it nothing changes."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.config import model_hyperparameters
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.cgan import CGAN
from tfgan_zoo.models.noise2image.dcgan import DCGAN

NOISE_TO_IMAGE = ("gan", "cgan", "dcgan", "lsgan", "wgan", "wgan_gp")


def build(cls, policy, **kwargs):
    model = cls(image_shape=(16, 16, 1), latent_dim=8, seed=1, diff_augment=policy, **kwargs)
    model.compile(g_optimizer=keras.optimizers.Adam(1e-3),
                  d_optimizer=keras.optimizers.Adam(1e-3))
    model.build_for_training()
    return model


def images_seen_by_d(model, monkeypatch):
    """Run one train step eagerly and return every image batch D scored."""
    seen, discriminate = [], model.discriminate

    def spy(images, inputs=None, training=False):
        seen.append(images.numpy())
        return discriminate(images, inputs, training)

    monkeypatch.setattr(model, "discriminate", spy)
    real = tf.ones([8, 16, 16, 1])  # no pixel of a real digit here is 0
    model.train_step((real, tf.range(8) % 10))
    return seen


@pytest.mark.parametrize("cls,kwargs", [(DCGAN, {"ngf": 4, "ndf": 8}),
                                        (CGAN, {"g_hidden": (16,), "d_hidden": (16,)})])
def test_every_image_d_sees_is_cut_out(cls, kwargs, monkeypatch):
    seen = images_seen_by_d(build(cls, "cutout", **kwargs), monkeypatch)
    assert len(seen) == 3  # real and fake in D's step, fake in G's step
    for batch in seen:
        # A cutout square of 8x8 at 16 px keeps at least 4x4 inside the image.
        assert np.all((batch == 0).sum(axis=(1, 2, 3)) >= 16)


def test_no_policy_leaves_images_alone(monkeypatch):
    model = build(DCGAN, None, ngf=4, ndf=8)
    seen = images_seen_by_d(model, monkeypatch)
    np.testing.assert_array_equal(seen[0], 1.0)
    assert model.augment(seen[0]) is seen[0]


def test_flag_on_every_noise_to_image_model_and_bad_policy():
    for name in NOISE_TO_IMAGE:
        assert model_hyperparameters(name)["diff_augment"] is None
    with pytest.raises(UserError, match="unknown augmentation flip"):
        DCGAN(image_shape=(16, 16, 1), diff_augment="flip")

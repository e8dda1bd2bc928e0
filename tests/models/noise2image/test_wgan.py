"""WGAN (Arjovsky et al. 2017): every critic weight is clipped to [-c, c]
after each critic update, even at a learning rate that would throw the
weights far outside it."""

import numpy as np

from tests.support.models import build, fit


def test_wgan_clips_critic_weights():
    model = build("wgan", lr=0.5)
    fit(model, steps=1)
    for w in model.discriminator.trainable_weights:
        assert np.abs(w.numpy()).max() <= model.clip + 1e-7

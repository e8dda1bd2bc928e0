"""DualGAN's adversarial choice: the paper's clipped Wasserstein critics or
the released code's sigmoid cross-entropy (no clipping)."""

import numpy as np
import pytest

from tests.support.models import assert_finite_losses, build, fit
from tfgan_zoo import losses
from tfgan_zoo.errors import UserError
from tfgan_zoo.registry import build_model


def _critic_weights(model):
    return [w for c in (model.discriminator, model.discriminator_a)
            for w in c.trainable_variables]


@pytest.mark.parametrize("adversarial, clipped", [("wasserstein", True),
                                                  ("non_saturating", False)])
def test_only_the_wasserstein_critics_are_clipped(adversarial, clipped):
    model = build_model("dualgan", image_shape=(16, 16, 3), adversarial=adversarial,
                        clip=0.01, ngf=4, ndf=4, d_layers=1)
    model.build_networks()
    for w in _critic_weights(model):
        w.assign(np.full(w.shape, 0.5, np.float32))
    model.clip_critic_weights()
    largest = max(float(np.abs(w.numpy()).max()) for w in _critic_weights(model))
    assert largest == pytest.approx(0.01 if clipped else 0.5)


def test_the_released_codes_loss_trains():
    # The registry tests train the default (Wasserstein) step.
    model = build("dualgan", adversarial="non_saturating", reconstruction_weight=20.0)
    assert_finite_losses(fit(model, steps=1), model)


def test_the_losses_follow_the_name():
    model = build_model("dualgan", image_shape=(16, 16, 3), adversarial="non_saturating",
                        ngf=4, ndf=4, d_layers=1)
    assert model.d_loss_fn is losses.minimax_discriminator_loss
    assert model.g_loss_fn is losses.non_saturating_generator_loss
    assert model.get_config()["adversarial"] == "non_saturating"
    with pytest.raises(UserError, match="unknown adversarial loss 'nope'"):
        build_model("dualgan", image_shape=(16, 16, 3), adversarial="nope")

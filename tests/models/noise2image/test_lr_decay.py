"""`decay_after`: the noise-to-image models' late learning-rate decay
(constant, then linearly to 0 over the rest of --steps), counted in each
player's own updates."""

import keras
import pytest

from tfgan_zoo.config import model_hyperparameters
from tfgan_zoo.errors import UserError
from tfgan_zoo.optimizers import LinearDecay
from tfgan_zoo.registry import build_model

TINY = dict(image_shape=(16, 16, 1), latent_dim=8, ngf=4, ndf=4)


def compiled(name, **kwargs):
    model = build_model(name, **TINY, **kwargs)
    model.compile(g_optimizer=keras.optimizers.Adam(2e-4),
                  d_optimizer=keras.optimizers.Adam(1e-4))
    return model


def test_rates_stay_constant_then_fall_linearly_to_zero():
    model = compiled("dcgan", total_steps=100, decay_after=0.6)
    for optimizer, lr in ((model.g_optimizer, 2e-4), (model.d_optimizer, 1e-4)):
        schedule = optimizer._learning_rate
        assert isinstance(schedule, LinearDecay)
        # 60 steps at lr, then 40 steps down to 0: a quarter of the way at 70.
        assert float(schedule(60)) == pytest.approx(lr)
        assert float(schedule(70)) == pytest.approx(0.75 * lr)
        assert float(schedule(100)) == pytest.approx(0.0)


def test_the_critic_schedule_counts_its_n_critic_updates():
    model = compiled("wgan", total_steps=100, decay_after=0.5, n_critic=5)
    # Generator step 75 is critic update 375: halfway down for both.
    assert float(model.g_optimizer._learning_rate(75)) == pytest.approx(1e-4)
    assert float(model.d_optimizer._learning_rate(375)) == pytest.approx(5e-5)


def test_no_decay_by_default_and_no_total_steps_flag():
    model = compiled("dcgan", total_steps=100)
    assert not isinstance(model.g_optimizer._learning_rate, LinearDecay)
    for name in ("dcgan", "wgan_gp"):
        assert "decay_after" in model_hyperparameters(name)
        assert "total_steps" not in model_hyperparameters(name)


def test_bad_decay_settings_are_named():
    with pytest.raises(UserError, match="needs the run's length"):
        build_model("dcgan", **TINY, decay_after=0.5)
    with pytest.raises(UserError, match=r"--decay-after must be .* in \[0, 1\)"):
        build_model("dcgan", **TINY, total_steps=100, decay_after=1.5)

"""StackGAN (Zhang et al. 2017) as a model: Stage-II is four (or, with
`upscale=2`, two) times Stage-I, sizes and settings are checked, and the
text encoder is a trained one or a sentence model, not both. Its runs
through the trainer (Stage-II over a frozen Stage-I, exports) are in
test_stackgan_stages.py."""

import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.models.text2image.stackgan import StackGAN
from tests.support.bert import make_model_folder

TINY = {"latent_dim": 4, "condition_dim": 4, "discriminator_condition_dim": 4,
        "embedding_dim": 8, "word_dim": 4, "text_hidden": 4, "ngf": 4, "ndf": 4,
        "stage1_ngf": 4, "residual_blocks": 1}


def stackgan(stage, size=16, **kwargs):
    return StackGAN(stage=stage, image_shape=(size, size, 3), seed=0, **{**TINY, **kwargs})


def test_stage2_is_four_times_stage1_and_sizes_are_checked():
    model = stackgan(2, 32)
    assert model.stage1_generator.outputs[0].shape[1:] == (8, 8, 3)
    assert model.sample_stage1(2, text="a small red circle").shape == (2, 8, 8, 3)
    assert model.sample(2, text="a small red circle").shape == (2, 32, 32, 3)
    with pytest.raises(UserError, match="power-of-two"):
        stackgan(2, 8)
    with pytest.raises(UserError, match="power-of-two"):
        stackgan(1, 24)


def test_upscale_2_makes_stage2_twice_stage1():
    model = stackgan(2, 32, upscale=2, unconditional_weight=1.0)
    assert model.stage1_generator.outputs[0].shape[1:] == (16, 16, 3)
    assert model.sample_stage1(2, text="a small red circle").shape == (2, 16, 16, 3)
    assert model.sample(2, text="a small red circle").shape == (2, 32, 32, 3)
    # A two-headed D; `discriminate` gives the text-conditional logit.
    logits = model.discriminate(tf.zeros((2, 32, 32, 3)),
                                {"text": tf.constant(["a red cross"] * 2)})
    assert logits.shape == (2, 1)
    with pytest.raises(UserError, match="at least 8, got 4x4"):
        stackgan(2, 4, upscale=2)
    with pytest.raises(UserError, match="upscale must be 2 or 4"):
        stackgan(2, 32, upscale=3)
    with pytest.raises(UserError, match="unconditional-weight must be a finite loss weight >= 0"):
        stackgan(1, unconditional_weight=-1)


@pytest.mark.parametrize("kwargs, message", [
    ({"discriminator": "patch"}, "discriminator must be one of matching, projection"),
    ({"discriminator": "projection", "unconditional_weight": 1.0},
     "already is a text-blind head: pass --unconditional-weight 0"),
])
def test_bad_discriminator_settings(kwargs, message):
    with pytest.raises(UserError, match=message):
        stackgan(1, **kwargs)


def test_a_trained_text_encoder_or_a_sentence_model_not_both(tmp_path):
    folder, _ = make_model_folder(tmp_path / "bert")
    with pytest.raises(UserError, match="not both"):
        StackGAN(image_shape=(16, 16, 3), text_encoder="runs/x", sentence_encoder=folder,
                 **{k: v for k, v in TINY.items() if k != "embedding_dim"})


def test_decay_after_falls_linearly_to_zero_and_is_checked():
    import keras
    from tfgan_zoo.optimizers import LinearDecay

    model = stackgan(1, total_steps=10, decay_after=0.6)
    model.compile(g_optimizer=keras.optimizers.Adam(2e-4),
                  d_optimizer=keras.optimizers.Adam(1e-4))
    for optimizer, lr in ((model.g_optimizer, 2e-4), (model.d_optimizer, 1e-4)):
        schedule = optimizer._learning_rate
        assert isinstance(schedule, LinearDecay)
        # 6 steps at lr, then 4 down to 0: halfway at step 8.
        assert float(schedule(6)) == pytest.approx(lr)
        assert float(schedule(8)) == pytest.approx(0.5 * lr)
        assert float(schedule(10)) == pytest.approx(0.0)
    constant = stackgan(1, total_steps=10)
    constant.compile(g_optimizer=keras.optimizers.Adam(2e-4),
                     d_optimizer=keras.optimizers.Adam(1e-4))
    assert not isinstance(constant.g_optimizer._learning_rate, LinearDecay)
    with pytest.raises(UserError, match="needs the run's length"):
        stackgan(1, decay_after=0.5)
    with pytest.raises(UserError, match=r"in \[0, 1\)"):
        stackgan(1, total_steps=10, decay_after=1.0)

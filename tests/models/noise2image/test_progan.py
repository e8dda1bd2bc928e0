"""Progressive GAN: the level of detail follows the schedule during
training (alpha 0 -> 1 in each fade), the output is continuous at every
phase boundary, and a run resumed in the middle of a fade carries on."""

import numpy as np
import pytest
import tensorflow as tf
import keras

from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.progan import ProGAN
from tfgan_zoo.networks.progan import fade_alpha, lod_weights
from tfgan_zoo.rundir.checkpoint import CheckpointDir

# 4 -> 8 -> 16 px, 2 steps to stabilize and 2 to fade: lod by step
# 2 2 | 2 1.5 | 1 1 | 1 0.5 | 0 ...
SCHEDULE = [2.0, 2.0, 2.0, 1.5, 1.0, 1.0, 1.0, 0.5, 0.0]


def small(**kwargs):
    model = ProGAN(image_shape=(16, 16, 1), latent_dim=4, fmap_base=32, fmap_max=4,
                   stabilize_steps=2, fade_steps=2, mbstd_group_size=2, seed=0,
                   ema_decay=0.9, **kwargs)
    model.compile(g_optimizer=keras.optimizers.Adam(1e-3, 0.0, 0.99),
                  d_optimizer=keras.optimizers.Adam(1e-3, 0.0, 0.99))
    model.build_for_training()
    model.run_eagerly = True  # a few steps: tracing would cost more than it saves
    return model


def data():
    images = np.random.default_rng(0).uniform(-1, 1, (8, 16, 16, 1)).astype("float32")
    return tf.data.Dataset.from_tensor_slices(images).batch(4).repeat()


def lods(model):
    networks = [model.generator, model.discriminator, model.generator_ema]
    return [float(w) for net in networks for w in lod_weights(net)]


def test_level_of_detail_follows_the_schedule_while_training():
    model = small()
    assert lods(model) == [2.0] * 3
    dataset, seen, alphas = data(), [], []
    for _ in SCHEDULE:
        logs = model.fit(dataset, steps_per_epoch=1, epochs=1, verbose=0).history
        assert len(set(lods(model))) == 1  # G, D and the EMA agree
        seen.append(lods(model)[0])
        alphas.append(logs["alpha"][0])
    assert seen == SCHEDULE
    np.testing.assert_allclose(alphas, [float(fade_alpha(l)) for l in SCHEDULE], atol=1e-6)
    assert alphas[3] == pytest.approx(0.5) and alphas[7] == pytest.approx(0.5)


def test_output_is_continuous_at_each_phase_boundary():
    model = small()
    z = tf.constant(np.random.default_rng(1).standard_normal((3, 4)), tf.float32)
    images = tf.constant(np.random.default_rng(2).uniform(-1, 1, (4, 16, 16, 1)), tf.float32)

    def outputs(lod):
        model.set_level_of_detail(lod)
        return (model.generator(z).numpy(), model.discriminator(images).numpy())

    for boundary in (2.0, 1.0, 0.0):
        below, above = outputs(boundary - 1e-4), outputs(min(boundary + 1e-4, 2.0))
        for a, b in zip(below, above):
            assert np.abs(a - b).max() < 1e-2, boundary
    # and the rendered lod is the schedule's (a fade really shows both levels)
    assert np.abs(outputs(2.0)[0] - outputs(1.0)[0]).max() > 1e-3


def test_resume_in_the_middle_of_a_fade(tmp_path):
    trained = small()
    trained.fit(data(), steps_per_epoch=4, epochs=1, verbose=0)
    assert lods(trained)[0] == 1.5  # half-way through 8 -> 16
    CheckpointDir(tmp_path, trained).save(4)
    resumed = small()
    CheckpointDir(tmp_path, resumed).restore(4)
    assert lods(resumed) == lods(trained)
    z = tf.constant(np.random.default_rng(3).standard_normal((2, 4)), tf.float32)
    np.testing.assert_array_equal(resumed.generate(z), trained.generate(z))
    for model in (trained, resumed):
        model.fit(data(), steps_per_epoch=1, epochs=1, verbose=0)
    assert lods(resumed) == lods(trained) == [1.0] * 3
    np.testing.assert_allclose(resumed.generate(z), trained.generate(z), atol=1e-5)


def test_without_growth_the_full_resolution_trains_from_the_start():
    model = ProGAN(image_shape=(16, 16, 1), latent_dim=4, fmap_base=32, fmap_max=4,
                   growth="none")
    model.build_networks()
    assert [float(w) for w in lod_weights(model.generator)] == [0.0]


def test_penalty_asks_a_unit_norm_at_the_resolution_the_critic_sees():
    # D sees the image box-downsampled 2^lod times, which divides its
    # gradient norm w.r.t. the full-size input by 2^lod.
    model = ProGAN(image_shape=(16, 16, 1), latent_dim=4, fmap_base=32, fmap_max=4)
    full = ProGAN(image_shape=(16, 16, 1), latent_dim=4, fmap_base=32, fmap_max=4,
                  penalty_resolution="full")
    for lod, target in ((2.0, 0.25), (1.5, 2 ** -1.5), (0.0, 1.0)):
        model.set_level_of_detail(lod)
        full.set_level_of_detail(lod)
        assert float(model.penalty_target()) == pytest.approx(target)
        assert float(full.penalty_target()) == 1.0


@pytest.mark.parametrize("kwargs, message", [
    ({"growth": "sideways"}, "unknown growth schedule 'sideways'"),
    ({"fade_steps": -1}, "--fade-steps"),
    ({"penalty_resolution": "half"}, "unknown penalty resolution 'half'"),
    ({"stabilize_steps": 0, "fade_steps": 0}, "--stabilize-steps or --fade-steps"),
    ({"start_resolution": 5}, "--start-resolution 4"),
    ({"image_shape": (28, 28, 1)}, "--image-size 32"),
])
def test_bad_flags_name_the_fix(kwargs, message):
    with pytest.raises(UserError, match=message):
        ProGAN(**{"image_shape": (16, 16, 1), **kwargs})

"""MidiNet: its conditions as generator inputs, two G updates per D update,
bar-by-bar melodies and their previews, and one-line errors."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.errors import UserError
from tfgan_zoo.models.music.midinet import MidiNet
from tfgan_zoo.samples import write_preview
from tests.support.models import build

TINY = dict(MidiNet.test_config, latent_dim=8, seed=1)


def test_conditions_are_generator_inputs():
    assert list(MidiNet(**TINY).generator_inputs()) == ["z", "chord", "previous_bar"]
    model = MidiNet(**TINY, chords=False, previous_bar=False)
    assert list(model.generator_inputs()) == ["z"]
    model.build_networks()
    assert model.sample(3).shape == (3, 16, 12)
    assert [i.name for i in model.discriminator.inputs] == ["bar"]


def test_the_previous_bar_and_chord_change_the_bar():
    model = MidiNet(**TINY)
    model.build_networks()
    inputs = {k: tf.constant(v) for k, v in model.example_inputs(2).items()}
    base = model.generate_from(inputs).numpy()
    for name in ("chord", "previous_bar"):
        other = dict(inputs, **{name: tf.reverse(inputs[name], [0])})
        assert not np.allclose(model.generate_from(other).numpy(), base), name


def test_two_generator_updates_per_discriminator_update():
    model = build("midinet", g_updates=2)
    batch = tuple(tf.constant(x) for x in model.example_data(8))
    logs = model.train_step(batch)
    assert int(model.g_optimizer.iterations) == 2 and int(model.d_optimizer.iterations) == 1
    assert all(np.isfinite(v.numpy()).all() for v in logs.values())


def test_melody_feeds_each_bar_back(tmp_path):
    model = MidiNet(**TINY)
    model.build_networks()
    chords = model.example_inputs(4)["chord"]
    melody = model.melody(chords, seed=3)
    assert melody.shape == (4, 16, 12) and ((melody > 0).sum(-1) <= 1).all()
    np.testing.assert_array_equal(melody, model.melody(chords, seed=3))
    files = write_preview(model, tmp_path / "bars", melody)
    assert [f.suffix for f in files] == [".png", ".mid"]
    assert files[1].read_bytes()[:4] == b"MThd"


def test_bad_settings_are_one_line():
    with pytest.raises(UserError, match="bars of 16 steps"):
        MidiNet(image_shape=(28, 28, 1))
    with pytest.raises(UserError, match="real-label"):
        MidiNet(**TINY, real_label=1.5)
    with pytest.raises(UserError, match="g-updates"):
        MidiNet(**dict(TINY, g_updates=0))

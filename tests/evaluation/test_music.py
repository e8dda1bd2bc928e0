"""Melody metrics against hand-counted bars."""

import numpy as np

from tfgan_zoo.data.music import chord_vector, melody_roll
from tfgan_zoo.evaluation import music


def bars(*melodies):
    return melody_roll(np.array(melodies)).astype(np.float32)


def test_pitch_class_histogram_and_kl():
    roll = bars([60] * 8 + [64] * 4 + [-1] * 4)  # C 8 steps, E 4, 4 silent
    histogram = music.pitch_class_histogram(roll)
    assert histogram[0] == 8 / 12 and histogram[4] == 4 / 12 and histogram.sum() == 1
    uniform = np.full(12, 1 / 12)
    p = np.maximum(histogram, music.KL_FLOOR)
    p /= p.sum()
    assert np.isclose(music.kl_divergence(histogram, uniform),
                      np.sum(p * np.log(p * 12)))
    assert music.pitch_class_kl(roll, roll) == 0.0


def test_chord_tone_ratio_and_boundaries():
    roll = bars([60] * 4 + [62] * 4 + [64] * 4 + [-1] * 4,  # C major: C, E are tones
                [69] * 8 + [70] * 8)                        # A minor: A is, Bb is not
    chords = chord_vector(np.array([0, 9]), np.array([0, 1]))
    assert np.isclose(music.chord_tone_ratio(roll, chords), (8 + 8) / (12 + 16))
    no_chord = chord_vector(np.array([-1, -1]), np.array([0, 0]))
    assert np.isnan(music.chord_tone_ratio(roll, no_chord))
    previous = bars([72] * 16, [-1] * 16)
    assert music.boundary_interval(previous, roll) == 12.0  # C5 -> C4; no note before
    assert music.empty_bar_rate(np.concatenate([roll, previous])) == 0.25


def test_random_bars_sound_every_step():
    roll = music.random_bars(50, 24, seed=1)
    assert ((roll > 0).sum(-1) == 1).all()
    assert music.pitch_class_histogram(roll).min() > 0.05

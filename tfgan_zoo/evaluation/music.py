"""Metrics of generated melodies (piano-roll bars [N, 16, P], on where > 0):
how their pitches sit in the key and on the chords they were asked for.

- `pitch_class_histogram`: the share of sounding sixteenth steps on each of
  the 12 pitch classes (a bar's highest note at each step: melodies are
  monophonic);
- `pitch_class_kl`: KL(generated || real) of those histograms, in nats,
  with a small floor so that an unused class does not make it infinite;
- `chord_tone_ratio`: the share of sounding steps whose pitch class is a
  tone of the bar's chord triad (13-d: one-hot root, 1 for minor), over
  bars that have a chord;
- `empty_bar_rate`, `boundary_interval`: bars with no note, and the mean
  |interval| in semitones from the last note of a previous bar to the first
  note of the bar after it (MidiNet's previous-bar condition should shrink
  it);
- `random_bars`: the baseline of the pitch-class check, one uniformly
  random pitch at every step.
"""

from __future__ import annotations

import numpy as np

from tfgan_zoo.data.music import LOWEST_PITCH, MAJOR, MINOR, REST, roll_melody

KL_FLOOR = 1e-4


def _steps(rolls, lowest_pitch):
    return roll_melody(rolls, lowest_pitch)  # [N, 16] MIDI or REST


def pitch_class_histogram(rolls, lowest_pitch=LOWEST_PITCH):
    """[12]: the share of sounding steps on each pitch class (zeros if none)."""
    pitches = _steps(rolls, lowest_pitch)
    counts = np.bincount(pitches[pitches != REST] % 12, minlength=12).astype(np.float64)
    return counts / counts.sum() if counts.sum() else counts


def kl_divergence(p, q, floor=KL_FLOOR):
    """KL(p || q) in nats of two histograms, each floored at `floor` and
    renormalised."""
    p = np.maximum(np.asarray(p, np.float64), floor)
    q = np.maximum(np.asarray(q, np.float64), floor)
    p, q = p / p.sum(), q / q.sum()
    return float(np.sum(p * np.log(p / q)))


def pitch_class_kl(generated, real, lowest_pitch=LOWEST_PITCH):
    """KL(generated || real) of the pitch-class histograms, nats."""
    return kl_divergence(pitch_class_histogram(generated, lowest_pitch),
                         pitch_class_histogram(real, lowest_pitch))


def chord_tones(chords):
    """[N, 12] bool: the triad of each 13-d chord; all False for none."""
    chords = np.asarray(chords, np.float32)
    has = chords[:, :12].max(axis=1) > 0
    root = chords[:, :12].argmax(axis=1)
    tones = np.zeros((len(chords), 12), bool)
    for i in np.flatnonzero(has):
        for interval in (MINOR if chords[i, 12] > 0.5 else MAJOR):
            tones[i, (root[i] + interval) % 12] = True
    return tones


def chord_tone_ratio(rolls, chords, lowest_pitch=LOWEST_PITCH):
    """The share of sounding steps (of bars with a chord) on a chord tone;
    nan when no step sounds."""
    pitches = _steps(rolls, lowest_pitch)
    tones = chord_tones(chords)
    keep = tones.any(axis=1)
    pitches, tones = pitches[keep], tones[keep]
    sounding = pitches != REST
    if not sounding.any():
        return float("nan")
    rows = np.nonzero(sounding)[0]
    return float(tones[rows, pitches[sounding] % 12].mean())


def empty_bar_rate(rolls):
    return float((~(np.asarray(rolls) > 0).any(axis=(1, 2))).mean())


def boundary_interval(previous, rolls, lowest_pitch=LOWEST_PITCH):
    """Mean |first note of each bar - last note of its previous bar| in
    semitones, over pairs where both sound; nan if none."""
    before, after = _steps(previous, lowest_pitch), _steps(rolls, lowest_pitch)
    intervals = []
    for a, b in zip(before, after):
        last, first = a[a != REST], b[b != REST]
        if len(last) and len(first):
            intervals.append(abs(int(first[0]) - int(last[-1])))
    return float(np.mean(intervals)) if intervals else float("nan")


def random_bars(n, pitches, seed=0):
    """n bars with one uniformly random pitch at every step, {-1, 1}."""
    rng = np.random.default_rng(seed)
    roll = -np.ones((n, 16, pitches), np.float32)
    b, t = np.indices((n, 16))
    roll[b, t, rng.integers(0, pitches, (n, 16))] = 1.0
    return roll


def melody_metrics(generated, real, chords, previous, lowest_pitch=LOWEST_PITCH):
    """Every metric above of `generated` bars asked for `chords` after
    `previous` bars, against the `real` bars."""
    return {"pitch_class_kl": pitch_class_kl(generated, real, lowest_pitch),
            "chord_tone_ratio": chord_tone_ratio(generated, chords, lowest_pitch),
            "empty_bar_rate": empty_bar_rate(generated),
            "boundary_interval": boundary_interval(previous, generated, lowest_pitch)}

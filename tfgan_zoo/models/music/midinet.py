"""MidiNet: Yang, Chou & Yang 2017, "MidiNet: A Convolutional Generative
Adversarial Network for Symbolic-domain Music Generation" (ISMIR 2017).

A DCGAN over one-bar piano-rolls (16 sixteenth steps x P pitches) whose
generator takes noise z, the bar's chord (the 1-D condition, 13-d: root
pitch class one-hot and a minor flag, joined to every layer) and the bar
before it (the 2-D condition: a conditioner CNN's feature maps joined at
each upsampling stage), so that a melody grows bar by bar (`melody`).

Each step, as the official code (RichardYang40148/MidiNet, v1/model.py)
runs it:

    z ~ N(0, I); G(z) conditioned on the batch's chords and previous bars
    update D on -[0.9 log D(x) + 0.1 log(1 - D(x)) + log(1 - D(G(z)))]
        (one-sided label smoothing, real label 0.9)
    twice (G steps per D step, `g_updates`), with the same z:
        update G on -log D(G(z))
            + lambda_1 * 1/2 ||E f(x) - E f(G(z))||^2  (D's first-layer features)
            + lambda_2 * 1/2 ||E x - E G(z)||^2        (the mean bar, on the
                                                         {0, 1} roll)

with lambda_1 = 0.1 and lambda_2 = 0.01 (feature matching, sec. 3.3), Adam
2e-4, beta_1 0.5, batch 72. The paper's user study compares model 1 (no
chord condition), model 2 (chords, "stable" mode) and model 3 (chords,
"creative" mode), which differ in how much the previous bar and feature
matching constrain G. This follows the released code rather than either
mode's exact table: the chord and the previous bar enter every generator
stage, lambda_1 = 0.1, lambda_2 = 0.01; `chords=False` is model 1, and
`chords=False, previous_bar=False` the unconditional baseline of
benchmarks/midinet_checks.py.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import AdversarialModel, Input
from tfgan_zoo.data.music import CHORD_DIM, LOWEST_PITCH, chord_vector, monophonic
from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.music import STEPS, midinet_discriminator, midinet_generator


def chord_examples(n, seed=0):
    """n chords cycling through the 12 major then the 12 minor triads."""
    index = np.arange(n) % 24
    return chord_vector(index % 12, index // 12)


def melody_examples(n, pitches, seed=0):
    """n seeded monophonic bars in {-1, 1}: a note (or a rest, 1 in 5) per
    quarter beat, four steps each."""
    rng = np.random.default_rng(seed + 1)
    notes = rng.integers(-1, pitches, (n, 4))
    notes[rng.random((n, 4)) < 0.2] = -1
    steps = np.repeat(notes, STEPS // 4, axis=1)
    roll = -np.ones((n, STEPS, pitches), np.float32)
    b, t = np.nonzero(steps >= 0)
    roll[b, t, steps[b, t]] = 1.0
    return roll


@keras.saving.register_keras_serializable("tfgan_zoo")
class MidiNet(AdversarialModel):
    """MidiNet's chord- and previous-bar-conditional one-bar melody GAN.

    Args:
        image_shape: (16, pitches): a bar of 16 sixteenth steps over the
            dataset's pitches (bach_chorales: 24, C4-B5).
        chords: condition on the bar's 13-d chord (model 1 of the paper: off).
        previous_bar: condition on the bar before through the conditioner CNN.
        ngf, ndf: widths of G's transposed convolutions (2 ngf) and D's second conv.
        g_fc_units, d_fc_units: G's first and D's last dense layer (1024).
        conditioner_filters: the conditioner CNN's filters (16).
        feature_matching_weight: lambda_1, on D's first-layer features.
        mean_matching_weight: lambda_2, on the mean bar.
        real_label: D's target for real bars (one-sided label smoothing).
        g_updates: G updates per D update (2: the reference's remedy for D
            winning).
        lowest_pitch: MIDI number of the roll's first pitch (60 = C4), for
            MIDI previews.
    """

    sample_kind = "pianoroll"
    supports_ema = True
    unused_hyperparameters = ("n_critic",)
    loss_names = ("d_loss", "g_loss", "g_adversarial", "feature_matching",
                  "mean_matching")
    # One G update a step keeps the registry tests' graphs small (and their
    # optimizers counting steps); tests/models/music covers two.
    test_config = dict(image_shape=(STEPS, 12), ngf=4, ndf=4, g_fc_units=16,
                       d_fc_units=16, conditioner_filters=4, g_updates=1)

    def __init__(self, *, image_shape=(STEPS, 24), chords=True, previous_bar=True, ngf=64,
                 ndf=64, g_fc_units=1024, d_fc_units=1024, conditioner_filters=16,
                 feature_matching_weight=0.1, mean_matching_weight=0.01, real_label=0.9,
                 g_updates=2, lowest_pitch=LOWEST_PITCH, **kwargs):
        image_shape = tuple(image_shape)
        if len(image_shape) != 2 or image_shape[0] != STEPS or image_shape[1] < 1:
            raise UserError(f"MidiNet draws bars of {STEPS} steps x P pitches, "
                            f"image_shape ({STEPS}, P), got {image_shape}: train on a music "
                            "dataset (bach_chorales, essen_folk, music_folder:<dir>)")
        if not 0 < real_label <= 1:
            raise UserError(f"--real-label must be in (0, 1] (0.9 smooths), got {real_label}")
        if g_updates < 1 or conditioner_filters < 1 or not 0 <= lowest_pitch <= 127:
            raise UserError("--g-updates and --conditioner-filters must be at least 1 and "
                            f"--lowest-pitch a MIDI number 0-127, got {g_updates}, "
                            f"{conditioner_filters}, {lowest_pitch}")
        super().__init__(image_shape=image_shape, **kwargs)
        self.pitches = image_shape[1]
        self.chords, self.previous_bar = bool(chords), bool(previous_bar)
        self.feature_matching_weight = float(feature_matching_weight)
        self.mean_matching_weight = float(mean_matching_weight)
        self.real_label, self.g_updates = float(real_label), int(g_updates)
        self.lowest_pitch = int(lowest_pitch)
        chord_dim = CHORD_DIM if self.chords else 0
        self.generator = midinet_generator(
            self.latent_dim, self.pitches, chord_dim, self.previous_bar, ngf, g_fc_units,
            conditioner_filters)
        self.discriminator = midinet_discriminator(self.pitches, chord_dim, ndf, d_fc_units)

    # ------------------------------------------------------------ inputs
    def generator_inputs(self):
        table = {"z": Input.noise(self.latent_dim)}
        if self.chords:
            table["chord"] = Input((CHORD_DIM,), example=chord_examples,
                                   minimum=0.0, maximum=1.0)
        if self.previous_bar:
            table["previous_bar"] = Input(
                (STEPS, self.pitches), minimum=-1.0, maximum=1.0,
                example=lambda n, seed: melody_examples(n, self.pitches, seed))
        return table

    def conditions(self, inputs):
        """The generator's inputs after z, in its order."""
        return [tf.cast(inputs[k], tf.float32) for k in ("chord", "previous_bar")
                if k in self.generator_inputs()]

    def generate_from(self, inputs, training=False):
        network = self.inference_generator(training)
        bars = network([inputs["z"], *self.conditions(inputs)], training=training)
        return tf.cast(bars, tf.float32)

    def discriminate(self, bars, inputs=None, training=False):
        """(logit, first-layer features) of D for bars and their chords."""
        chord = [tf.cast(inputs["chord"], tf.float32)] if self.chords else []
        return self.discriminator([bars, *chord], training=training)

    def preview_info(self):
        return {"lowest_pitch": self.lowest_pitch}

    def card_notes(self):
        return {"midi": "the signatures serve the piano-roll (`pianoroll`, `notes`), not MIDI "
                        "bytes; a client turns `notes` into a MIDI file with "
                        "tfgan_zoo.samples.midi_bytes(notes, lowest_pitch="
                        f"{self.lowest_pitch}), which needs no music package",
                "data": f"bars of {STEPS} sixteenth steps over {self.pitches} pitches from "
                        f"MIDI {self.lowest_pitch} up; chord: 12 one-hot pitch classes of "
                        "the triad's fundamental, then 1 for minor or 0 for major"}

    def example_data(self, n, seed=0):
        """(bars, previous bars, chords) as a music dataset batches them."""
        return (melody_examples(n, self.pitches, seed + 7),
                melody_examples(n, self.pitches, seed), chord_examples(n, seed))

    # -------------------------------------------------------- training
    def train_step(self, data):
        real, previous, chord = data
        inputs = {"z": self.sample_noise(tf.shape(real)[0]), "chord": chord,
                  "previous_bar": previous}
        fake = self.generate_from(inputs, training=True)
        with tf.GradientTape() as tape:
            real_logit, _ = self.discriminate(real, inputs, training=True)
            fake_logit, _ = self.discriminate(fake, inputs, training=True)
            d_loss = losses.minimax_discriminator_loss(real_logit, fake_logit,
                                                       real_label=self.real_label)
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        for _ in range(self.g_updates):  # the same z each time, as the reference
            with tf.GradientTape() as tape:
                fake = self.generate_from(inputs, training=True)
                fake_logit, fake_features = self.discriminate(fake, inputs, training=True)
                _, real_features = self.discriminate(real, inputs, training=True)
                g_adversarial = losses.non_saturating_generator_loss(fake_logit)
                feature_matching = losses.feature_matching_loss(real_features,
                                                                fake_features)
                # on the {0, 1} roll the reference's sigmoid draws: (x + 1) / 2
                mean_matching = 0.25 * losses.feature_matching_loss(real, fake)
                g_loss = (g_adversarial + self.feature_matching_weight * feature_matching
                          + self.mean_matching_weight * mean_matching)
            self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, g_adversarial=g_adversarial,
                          feature_matching=feature_matching, mean_matching=mean_matching)

    # ------------------------------------------------ bar after bar
    def melody(self, chords, seed=0, first_previous=None):
        """A melody of len(chords) bars [bars, 16, P] in {-1, 1}, generated
        bar by bar (sec. 3.2): each bar conditioned on its chord [bars, 13]
        and on the one before, made monophonic (the highest-scoring pitch
        of each step, silent where none is > 0); the first on
        `first_previous` (default silence)."""
        chords = np.asarray(chords, np.float32)
        z = np.random.default_rng(seed).standard_normal(
            (len(chords), self.latent_dim)).astype(np.float32)
        previous = (-np.ones((STEPS, self.pitches), np.float32) if first_previous is None
                    else np.asarray(first_previous, np.float32))
        bars = []
        for t in range(len(chords)):
            inputs = {"z": z[t:t + 1], "chord": chords[t:t + 1],
                      "previous_bar": previous[None]}
            bar = monophonic(self.generate_from(
                {k: tf.convert_to_tensor(v) for k, v in inputs.items()}).numpy())[0]
            bars.append(bar)
            previous = bar
        return np.stack(bars)

"""Networks of MidiNet (Yang, Chou & Yang 2017): a one-bar piano-roll
generator with a previous-bar conditioner CNN and a chord condition, and a
discriminator that also returns the first-layer features feature matching
compares.

A bar is [16 steps, P pitches]; the networks see it as a one-channel map
[16, P, 1], time down and pitch across, as in the reference code
(RichardYang40148/MidiNet, v1/model.py), whose shapes these follow:

    conditioner  previous bar [16, P, 1] -> conv (1 x P) -> [16, 1, c]
                 -> three convs (2 x 1, stride 2) -> [8, 1, c], [4, 1, c],
                 [2, 1, c]; batch norm and LeakyReLU(0.2) after each
    generator    [z, chord] -> dense gfc -> [., chord] -> dense 2 * 2 ngf
                 -> [2, 1, 2 ngf]; three transposed convs (2 x 1, stride 2)
                 to [16, 1, 2 ngf], each input joined by the chord (tiled)
                 and the conditioner's map of its size; a last transposed
                 conv (1 x P) to [16, P, 1]; batch norm and ReLU, tanh out
                 (the reference's sigmoid rescaled to [-1, 1])
    discriminator [bar, chord tiled] -> conv (2 x P, stride 2) -> [8, 1,
                 1 + 13], LeakyReLU: the features f of feature matching;
                 [f, chord] -> conv (4 x 1, stride 2) ndf + 13, batch norm,
                 LeakyReLU -> flatten, [., chord] -> dense dfc, batch norm,
                 LeakyReLU -> [., chord] -> one logit

Without chords (`chord_dim` 0) nothing is joined; without the previous bar
(`previous_bar` False) the generator has no conditioner.
"""

from __future__ import annotations

import keras
from keras import layers

from tfgan_zoo.networks.dcgan import DCGAN_INIT
from tfgan_zoo.networks.image2image import TileLatent
from tfgan_zoo.networks.layers import batch_norm

STEPS = 16
STAGES = 3  # 2 -> 4 -> 8 -> 16 steps


def _join(x, chord, *maps):
    """x with the chord tiled over it and the conditioner's maps joined."""
    if chord is not None:
        x = TileLatent()([x, chord])
    return layers.Concatenate()([x, *maps]) if maps else x


def _vector_join(x, chord):
    return layers.Concatenate()([x, chord]) if chord is not None else x


def conditioner(previous, width):
    """The previous bar's feature maps at 16, 8, 4 and 2 steps (MidiNet's
    conditioner CNN, sec. 3.2): one conv over all pitches, then strided
    convs along time."""
    x = layers.Reshape((STEPS, previous.shape[-1], 1))(previous)
    x = layers.Conv2D(width, (1, previous.shape[-1]), padding="valid",
                      kernel_initializer=DCGAN_INIT)(x)
    maps = [layers.LeakyReLU(0.2)(batch_norm()(x))]
    for _ in range(STAGES):
        x = layers.Conv2D(width, (2, 1), strides=(2, 1), padding="valid",
                          kernel_initializer=DCGAN_INIT)(maps[-1])
        maps.append(layers.LeakyReLU(0.2)(batch_norm()(x)))
    return maps  # [16, 8, 4, 2] steps


def midinet_generator(latent_dim, pitches, chord_dim=13, previous_bar=True, ngf=64,
                      gfc=1024, conditioner_width=16, name="generator"):
    """G(z, chord, previous bar) -> a bar [16, pitches] in [-1, 1]."""
    z = keras.Input((latent_dim,), name="z")
    inputs, chord = [z], None
    if chord_dim:
        chord = keras.Input((chord_dim,), name="chord")
        inputs.append(chord)
    maps = [None] * (STAGES + 1)
    if previous_bar:
        previous = keras.Input((STEPS, pitches), name="previous_bar")
        inputs.append(previous)
        maps = conditioner(previous, conditioner_width)
    x = layers.Dense(gfc, kernel_initializer=DCGAN_INIT)(_vector_join(z, chord))
    x = layers.ReLU()(batch_norm()(x))
    x = layers.Dense(2 * 2 * ngf, kernel_initializer=DCGAN_INIT)(_vector_join(x, chord))
    x = layers.ReLU()(batch_norm()(x))
    x = layers.Reshape((2, 1, 2 * ngf))(x)
    for stage in range(STAGES):
        condition = maps[STAGES - stage]
        x = _join(x, chord, *([condition] if condition is not None else []))
        x = layers.Conv2DTranspose(2 * ngf, (2, 1), strides=(2, 1), padding="valid",
                                   kernel_initializer=DCGAN_INIT)(x)
        x = layers.ReLU()(batch_norm()(x))
    x = _join(x, chord, *([maps[0]] if maps[0] is not None else []))
    x = layers.Conv2DTranspose(1, (1, pitches), padding="valid",
                               kernel_initializer=DCGAN_INIT)(x)
    x = layers.Activation("tanh", dtype="float32")(x)
    bar = layers.Reshape((STEPS, pitches), dtype="float32", name="bar")(x)
    return keras.Model(inputs, bar, name=name)


def midinet_discriminator(pitches, chord_dim=13, ndf=64, dfc=1024, name="discriminator"):
    """D(bar, chord) -> (one logit, the first layer's features [B, 8 x (1 +
    chord_dim)] that feature matching compares)."""
    bar = keras.Input((STEPS, pitches), name="bar")
    inputs, chord = [bar], None
    if chord_dim:
        chord = keras.Input((chord_dim,), name="chord")
        inputs.append(chord)
    x = _join(layers.Reshape((STEPS, pitches, 1))(bar), chord)
    x = layers.Conv2D(1 + chord_dim, (2, pitches), strides=(2, 1), padding="valid",
                      kernel_initializer=DCGAN_INIT)(x)
    first = layers.LeakyReLU(0.2)(x)
    features = layers.Flatten(dtype="float32", name="features")(first)
    x = layers.Conv2D(ndf + chord_dim, (4, 1), strides=(2, 1), padding="valid",
                      kernel_initializer=DCGAN_INIT)(_join(first, chord))
    x = layers.LeakyReLU(0.2)(batch_norm()(x))
    x = _vector_join(layers.Flatten()(x), chord)
    x = layers.Dense(dfc, kernel_initializer=DCGAN_INIT)(x)
    x = layers.LeakyReLU(0.2)(batch_norm()(x))
    logit = layers.Dense(1, dtype="float32", kernel_initializer=DCGAN_INIT,
                         name="logit")(_vector_join(x, chord))
    return keras.Model(inputs, [logit, features], name=name)

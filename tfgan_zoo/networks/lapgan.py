"""LAPGAN's per-level networks (Denton, Chintala, Szlam & Fergus 2015, §4.2;
facebookarchive/eyescream `cifar/scripts/train_cifar_coarse_to_fine_classcond.lua`),
class-conditional, with widths as parameters.

Coarsest level K (a plain conditional GAN on the low-pass image), MLPs:
    G_K: [z, one-hot(y)] -> FC ReLU -> FC ReLU -> FC s*s*C -> tanh
    D_K: [image, one-hot(y)] -> FC ReLU + dropout -> FC ReLU + dropout -> logit
Finer level k (a conditional GAN on the band-pass residual h_k), convs:
    G_k: [noise plane, l = u(I_{k+1}), class plane] -> 7x7 ReLU -> 7x7 ReLU
         -> 5x5 -> h_k (linear)
    D_k: (h + l), class plane -> 5x5 ReLU -> 5x5/2 ReLU -> dropout -> logit
where the class plane is ReLU(FC(one-hot(y))) reshaped to s x s, as in the
reference, and D_k adds the low-pass image back to the residual before its
first convolution (its `nn.CAddTable`). The reference uses 'valid'
convolutions at 32 px; 'same' ones here, so levels as small as 8 px work.
"""

from __future__ import annotations

import itertools
import math

import keras
from keras import layers, ops

from tfgan_zoo.networks.layers import label_input
from tfgan_zoo.networks.pyramid import upsample


def class_plane(one_hot, size):
    """ReLU(FC(one-hot)) as a size x size x 1 map."""
    plane = layers.ReLU()(layers.Dense(size * size)(one_hot))
    return layers.Reshape((size, size, 1))(plane)


def coarse_generator(noise_dim, image_shape, num_classes, hidden=(512, 512),
                     name="generator_coarse"):
    z = keras.Input((noise_dim,), name="z")
    label, one_hot = label_input(num_classes)
    x = layers.Concatenate()([z, one_hot])
    for units in hidden:
        x = layers.ReLU()(layers.Dense(units)(x))
    x = layers.Dense(math.prod(image_shape))(x)
    x = layers.Activation("tanh", dtype="float32")(x)
    return keras.Model([z, label], layers.Reshape(image_shape, dtype="float32")(x), name=name)


def coarse_discriminator(image_shape, num_classes, hidden=(512, 512), dropout=0.5,
                         name="discriminator_coarse"):
    image = keras.Input(image_shape, name="image")
    label, one_hot = label_input(num_classes)
    x = layers.Concatenate()([layers.Flatten()(image), one_hot])
    for units in hidden:
        x = layers.Dropout(dropout)(layers.ReLU()(layers.Dense(units)(x)))
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model([image, label], logit, name=name)


def residual_generator(image_shape, num_classes, filters=64, name="generator_level"):
    """[noise plane, low-pass image l, label] -> the residual h (linear)."""
    size, channels = image_shape[0], image_shape[-1]
    noise = keras.Input((size, size, 1), name="noise")
    low = keras.Input(image_shape, name="low_pass")
    label, one_hot = label_input(num_classes)
    x = layers.Concatenate()([noise, class_plane(one_hot, size), low])
    x = layers.Conv2D(filters, 7, padding="same", activation="relu")(x)
    x = layers.Conv2D(filters, 7, padding="same", activation="relu")(x)
    h = layers.Conv2D(channels, 5, padding="same", dtype="float32")(x)
    return keras.Model([noise, low, label], h, name=name)


def residual_discriminator(image_shape, num_classes, filters=64, dropout=0.5,
                           name="discriminator_level"):
    """[residual h, low-pass image l, label] -> logit of the image h + l."""
    size = image_shape[0]
    residual = keras.Input(image_shape, name="residual")
    low = keras.Input(image_shape, name="low_pass")
    label, one_hot = label_input(num_classes)
    x = layers.Concatenate()([layers.Add()([residual, low]), class_plane(one_hot, size)])
    x = layers.Conv2D(filters, 5, padding="same", activation="relu")(x)
    x = layers.Conv2D(filters, 5, strides=2, padding="same", activation="relu")(x)
    x = layers.Dropout(dropout)(layers.Flatten()(x))
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model([residual, low, label], logit, name=name)


@keras.saving.register_keras_serializable("tfgan_zoo")
class NoiseSplit(layers.Layer):
    """z -> [the coarse level's noise vector, one noise plane per finer
    level, coarse to fine]: the levels' independent noises travel as one
    vector, so LAPGAN samples, interpolates and exports like any z-GAN."""

    def __init__(self, noise_dim, plane_sizes, **kwargs):
        super().__init__(**kwargs)
        self.noise_dim, self.plane_sizes = int(noise_dim), [int(s) for s in plane_sizes]

    def call(self, z):
        parts = ops.split(z, list(itertools.accumulate(
            [self.noise_dim] + [s * s for s in self.plane_sizes[:-1]])), axis=-1)
        return [parts[0]] + [ops.reshape(p, (-1, s, s, 1))
                             for p, s in zip(parts[1:], self.plane_sizes)]

    def compute_output_shape(self, input_shape):
        return [(input_shape[0], self.noise_dim)] + [(input_shape[0], s, s, 1)
                                                     for s in self.plane_sizes]

    def get_config(self):
        return {**super().get_config(), "noise_dim": self.noise_dim,
                "plane_sizes": self.plane_sizes}


@keras.saving.register_keras_serializable("tfgan_zoo")
class Upsample(layers.Layer):
    """u(I): 2x bilinear upsampling (`networks.pyramid.upsample`)."""

    def call(self, images):
        return upsample(images)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return (n, None if h is None else 2 * h, None if w is None else 2 * w, c)


@keras.saving.register_keras_serializable("tfgan_zoo")
class Collapse(layers.Layer):
    """I_k = clip(h_k + u(I_{k+1}), -1, 1): one step of the pyramid's
    collapse, kept in the data range for the next level's conditioning."""

    def call(self, inputs):
        residual, low = inputs
        return ops.clip(ops.cast(residual, "float32") + ops.cast(low, "float32"), -1.0, 1.0)

    def compute_output_shape(self, input_shape):
        return input_shape[0]


def sampling_chain(coarse, residual_generators, noise_dim, sizes, name="generator"):
    """The generator as sampled (Denton et al. §3.2): [z, label] -> [I_K,
    h_{K-1}, I_{K-1}, ..., h_0, I_0], coarse to fine, the last being the
    image. `residual_generators` and `sizes` are ordered coarse to fine
    (sizes[0] is the coarse level's)."""
    z = keras.Input((noise_dim + sum(s * s for s in sizes[1:]),), name="z")
    label = keras.Input((), dtype="int32", name="label")
    noises = NoiseSplit(noise_dim, sizes[1:])(z)
    image = coarse([noises[0], label])
    outputs = [image]
    for network, noise in zip(residual_generators, noises[1:]):
        low = Upsample()(image)
        residual = network([noise, low, label])
        image = Collapse(dtype="float32")([residual, low])
        outputs += [residual, image]
    return keras.Model([z, label], outputs, name=name)


def pyramid_discriminator(coarse, residual_discriminators, shapes, name="discriminator"):
    """Every level's D side by side: [I_K, h_{K-1}, l_{K-1}, ..., h_0, l_0,
    label] -> [logit_K, ..., logit_0], coarse to fine. Each level scores
    its own input alone (the levels are independent GANs)."""
    label = keras.Input((), dtype="int32", name="label")
    image = keras.Input(shapes[0], name=f"image_{shapes[0][0]}")
    inputs, logits = [image], [coarse([image, label])]
    for network, shape in zip(residual_discriminators, shapes[1:]):
        residual = keras.Input(shape, name=f"residual_{shape[0]}")
        low = keras.Input(shape, name=f"low_pass_{shape[0]}")
        inputs += [residual, low]
        logits.append(network([residual, low, label]))
    return keras.Model(inputs + [label], logits, name=name)
